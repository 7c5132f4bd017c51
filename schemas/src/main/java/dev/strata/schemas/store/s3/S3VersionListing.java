package dev.strata.schemas.store.s3;

import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * First-version reads on top of ListObjectVersions. It lists a key's versions newest first, so a
 * key's FIRST version is its LAST entry. LastModified cannot tell them apart (RGW can give two
 * versions the same second) and IsLatest only marks the newest, so only the order is used.
 * Delete markers are ignored: they hide nothing from a first-version reader.
 *
 * <p>RGW 16 quirk: a key-marker without a version-id-marker lists the marker key's own versions
 * too (S3 starts strictly after it), so a start-after key is also filtered here. Continuation with
 * both markers behaves as on S3.
 */
final class S3VersionListing {

    private static final int MAX_PAGE = 1000;

    private final S3Client s3;
    private final String bucket;

    S3VersionListing(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Every version of exactly {@code key}, oldest first. */
    List<ObjectVersionInfo> versions(ObjectKey key) {
        List<ObjectVersionInfo> newestFirst = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        while (true) {
            ListObjectVersionsResponse page = page(key.value(), keyMarker, versionMarker, MAX_PAGE);
            boolean pastKey = false;
            for (ObjectVersion v : page.versions()) {
                if (v.key().equals(key.value())) {
                    newestFirst.add(new ObjectVersionInfo(key, v.versionId(), v.size(), v.lastModified()));
                } else if (v.key().compareTo(key.value()) > 0) {
                    pastKey = true; // the prefix also matches longer keys, which sort after this one
                }
            }
            if (pastKey || !Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    Optional<ObjectVersionInfo> firstVersion(ObjectKey key) {
        List<ObjectVersionInfo> all = versions(key);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /**
     * Keys that have at least one version, with the size of their first version. A key whose
     * newest entry is a delete marker is still listed, unlike in ListObjectsV2.
     */
    ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        Map<String, Long> firstVersionSize = new LinkedHashMap<>();
        String keyMarker = startAfter.map(ObjectKey::value).orElse(null);
        String versionMarker = null;
        boolean moreKeys;
        while (true) {
            ListObjectVersionsResponse page = page(prefix.value(), keyMarker, versionMarker, Math.min(MAX_PAGE, maxKeys + 1));
            for (ObjectVersion v : page.versions()) {
                if (startAfter.isPresent() && BackupLayout.keyOf(v.key()).compareTo(startAfter.get()) <= 0) {
                    continue; // RGW 16 includes the key-marker's own versions; S3 starts after it
                }
                firstVersionSize.put(v.key(), v.size()); // older versions come later and overwrite the size
            }
            // A key is complete once a later key has appeared, so one key beyond the page is needed.
            if (firstVersionSize.size() > maxKeys) {
                moreKeys = true;
                break;
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                moreKeys = false;
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
        List<ListedObject> objects = new ArrayList<>();
        for (Map.Entry<String, Long> e : firstVersionSize.entrySet()) {
            if (objects.size() == maxKeys) {
                break;
            }
            objects.add(new ListedObject(BackupLayout.keyOf(e.getKey()), e.getValue()));
        }
        return new ListPage(objects, moreKeys);
    }

    private ListObjectVersionsResponse page(String prefix, String keyMarker, String versionMarker, int maxKeys) {
        ListObjectVersionsRequest.Builder request = ListObjectVersionsRequest.builder()
                .bucket(bucket)
                .prefix(prefix)
                .maxKeys(maxKeys);
        if (keyMarker != null) {
            request.keyMarker(keyMarker);
        }
        if (versionMarker != null) {
            request.versionIdMarker(versionMarker);
        }
        return s3.listObjectVersions(request.build());
    }
}
