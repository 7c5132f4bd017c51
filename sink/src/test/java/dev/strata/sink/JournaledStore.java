package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import java.util.Optional;

/**
 * Writes each segment put that reached the region, and each LIST, into the {@link Journal}: "put backup acme 0..9 WRITTEN";
 * and each durable mark: "mark backup acme p0 offset=10 point=... WRITTEN".
 */
final class JournaledStore extends ForwardingObjectStore {
    private final String region;
    private final Journal journal;

    JournaledStore(ObjectStore delegate, String region, Journal journal) {
        super(delegate);
        this.region = region;
        this.journal = journal;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        PutResult result = delegate.putIfAbsent(key, bytes, sha256);
        if (key.value().endsWith(".seg")) {
            journal.add("put " + region + " " + range(key) + " " + result);
        } else if (key.value().endsWith(".mark")) {
            DurableMarkKey mark = BackupLayout.parseMark(key);
            journal.add("mark " + region + " " + mark.tenant() + " p" + mark.partition() + " offset=" + mark.committedOffset()
                    + " point=" + mark.pointMicros() + " " + result);
        }
        return result;
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        journal.add("list " + region + " " + prefix);
        return delegate.list(prefix, startAfter, maxKeys);
    }

    /** A segment key as "acme 0..9": its tenant and offsets. */
    static String range(ObjectKey segment) {
        SegmentKey k = BackupLayout.parseSegment(segment);
        return k.tenant() + " " + k.firstOffset() + ".." + k.lastOffset();
    }
}
