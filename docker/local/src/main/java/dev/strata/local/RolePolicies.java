package dev.strata.local;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The IAM user policies that give the writer, the reader, the drill and the expire user their rights on one bucket, and
 * the rights of the writer, the reader, the drill and the key-admin user on one key store bucket.
 *
 * <p>Denies list their actions one by one: on RGW 16 a Deny with {@code NotAction} has no effect.
 * The explicit Deny matters because an Allow from another policy of the same user (another bucket)
 * must never open a destructive action.
 *
 * <p>The writer locks each object it writes until its retention policy needs it with the PUT's own
 * {@code x-amz-object-lock-mode/retain-until-date} headers, which RGW grants with s3:PutObject: so it
 * keeps the Deny on s3:PutObjectRetention and can never shorten (or lengthen) a lock once written.
 */
final class RolePolicies {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    static final List<String> WRITER_ALLOWED = List.of("s3:PutObject", "s3:GetObject", "s3:ListBucket");
    static final List<String> WRITER_DENIED = List.of(
            "s3:DeleteObject", "s3:DeleteObjectVersion",
            "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
            "s3:PutObjectAcl", "s3:PutBucket*", "s3:PutBucketObjectLockConfiguration",
            "s3:PutLifecycleConfiguration", "s3:DeleteBucket");
    static final List<String> READER_ALLOWED = List.of(
            "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:ListBucket", "s3:ListBucketVersions");
    static final List<String> READER_DENIED = List.of(
            "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
            "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
            "s3:PutObjectAcl", "s3:PutBucket*", "s3:PutBucketObjectLockConfiguration",
            "s3:PutLifecycleConfiguration", "s3:DeleteBucket");

    /** Where drill reports live: BackupLayout's drills prefix (this module does not depend on schemas). */
    static final String DRILLS_PREFIX = "strata/v1/drills/";
    /** Where erasure ledger entries live: BackupLayout's ledger prefix. Only the ledger user may put there. */
    static final String LEDGER_PREFIX = "strata/v1/ledger/";
    /** Where erasure tombstones live: BackupLayout's tombstones prefix. Only the key-admin user may put there. */
    static final String ERASED_PREFIX = "strata/v1/erased/";
    /** Put on the bucket is not denied (a Deny would beat the drills Allow); it is simply never allowed outside drills/. */
    static final List<String> DRILL_DENIED = List.of(
            "s3:DeleteObject", "s3:DeleteObjectVersion",
            "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
            "s3:PutObjectAcl", "s3:PutBucket*", "s3:PutBucketObjectLockConfiguration",
            "s3:PutLifecycleConfiguration", "s3:DeleteBucket");

    static final List<String> EXPIRE_ALLOWED = List.of(
            "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention",
            "s3:DeleteObjectVersion");
    /** A plain DeleteObject (a delete marker) is denied too: expiry removes versions by id, nothing else. */
    static final List<String> EXPIRE_DENIED = List.of(
            "s3:PutObject", "s3:DeleteObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
            "s3:PutObjectAcl", "s3:PutBucket*", "s3:PutBucketObjectLockConfiguration",
            "s3:PutLifecycleConfiguration", "s3:DeleteBucket");

    /** On a key store bucket: the sink reads and creates data keys (its backup-bucket policy denies every delete). */
    static final List<String> KEYS_WRITER_ALLOWED = List.of("s3:GetObject", "s3:ListBucket", "s3:PutObject");
    /** On a key store bucket: restore, verify and drills read keys (their backup-bucket policies deny every put and delete). */
    static final List<String> KEYS_READER_ALLOWED = List.of("s3:GetObject", "s3:ListBucket");
    /** On a key store bucket: erasure reads, lists and destroys keys; it never writes one. */
    static final List<String> KEY_ADMIN_ALLOWED = List.of("s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketVersioning");
    static final List<String> KEY_ADMIN_DENIED = List.of(
            "s3:PutObject", "s3:PutObjectAcl", "s3:PutBucket*", "s3:PutLifecycleConfiguration", "s3:DeleteBucket");

    private RolePolicies() {
    }

    static String policyName(StoreRole role, String bucket) {
        return role.userId() + "-" + bucket;
    }

    /**
     * The writer's rights, and a Deny of puts under the ledger and the tombstones: a sink key must never make a restore leave
     * rows out, nor make a tenant look erased.
     */
    static String writer(String bucket) {
        return document(bucket, WRITER_ALLOWED, WRITER_DENIED, ",{\"Effect\":\"Deny\",\"Action\":[\"s3:PutObject\"],"
                + "\"Resource\":[\"arn:aws:s3:::" + bucket + "/" + LEDGER_PREFIX + "*\",\"arn:aws:s3:::" + bucket + "/" + ERASED_PREFIX
                + "*\"]}");
    }

    static String reader(String bucket) {
        return document(bucket, READER_ALLOWED, READER_DENIED);
    }

    static String expire(String bucket) {
        return document(bucket, EXPIRE_ALLOWED, EXPIRE_DENIED);
    }

    /** Allows {@code allowed} on one key store bucket and nothing else: the user's other policies keep their denies. */
    static String keys(String bucket, List<String> allowed) {
        checkBucketName(bucket);
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + array(allowed) + ","
                + "\"Resource\":[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]}]}";
    }

    /** Its denies hold on the key store bucket only: on backup buckets the same user puts tombstones ({@link #tombstones}). */
    static String keyAdmin(String bucket) {
        checkBucketName(bucket);
        String resources = "[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]";
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":" + array(KEY_ADMIN_ALLOWED) + ",\"Resource\":" + resources + "},"
                + "{\"Effect\":\"Deny\",\"Action\":" + array(KEY_ADMIN_DENIED) + ",\"Resource\":" + resources + "}]}";
    }

    /**
     * On a backup bucket, the key-admin user lists, and reads and writes tombstones under {@value #ERASED_PREFIX} only: it
     * never reads a backup body (and could not open one: it never holds the key-encryption key).
     */
    static String tombstones(String bucket) {
        checkBucketName(bucket);
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\",\"s3:ListBucketVersions\"],\"Resource\":[\"arn:aws:s3:::" + bucket
                + "\"]},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\",\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::"
                + bucket + "/" + ERASED_PREFIX + "*\"]},"
                // on this bucket only: the same user deletes data keys in the key store buckets
                + "{\"Effect\":\"Deny\",\"Action\":" + array(DRILL_DENIED) + ",\"Resource\":[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::"
                + bucket + "/*\"]}]}";
    }

    /** The reader's statement, then PutObject on the drills prefix only. */
    static String drill(String bucket) {
        return readerPuttingUnder(bucket, DRILLS_PREFIX);
    }

    /** The reader's statement, then PutObject on the ledger prefix only (the same denials as the drill user's). */
    static String ledger(String bucket) {
        return readerPuttingUnder(bucket, LEDGER_PREFIX);
    }

    private static String readerPuttingUnder(String bucket, String prefix) {
        checkBucketName(bucket);
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":" + array(READER_ALLOWED) + ","
                + "\"Resource\":[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::" + bucket + "/" + prefix + "*\"]},"
                + "{\"Effect\":\"Deny\",\"Action\":" + array(DRILL_DENIED) + ",\"Resource\":\"*\"}]}";
    }

    static void checkBucketName(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' is not a valid S3 bucket name "
                    + "(3-63 characters: lower-case letters, digits, dots, hyphens)");
        }
    }

    private static String document(String bucket, List<String> allowed, List<String> denied) {
        return document(bucket, allowed, denied, "");
    }

    /** @param moreStatements appended to the statement array, each starting with a comma */
    private static String document(String bucket, List<String> allowed, List<String> denied, String moreStatements) {
        checkBucketName(bucket);
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":" + array(allowed) + ","
                + "\"Resource\":[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]},"
                + "{\"Effect\":\"Deny\",\"Action\":" + array(denied) + ",\"Resource\":\"*\"}" + moreStatements + "]}";
    }

    private static String array(List<String> actions) {
        return actions.stream().map(action -> "\"" + action + "\"").collect(Collectors.joining(",", "[", "]"));
    }
}
