package dev.strata.sink;

import dev.strata.schemas.crypto.SealedBody;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tenant folded the way replay folds it (the schemas fold: a base's tables first, then segments up
 * to a point), rendered as table -> key -> row text so that two folds compare with equals.
 */
final class RenderedFold {
    private RenderedFold() {
    }

    static Map<String, Map<String, String>> of(ObjectStore store, BodySealer bodies, Optional<BaseManifest> base, List<ObjectKey> segments,
                                               long untilMicros, Path spill) {
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(64L << 20, spill, 2))) {
            base.ifPresent(b -> {
                for (BaseTable table : b.tables()) {
                    ObjectKey key = b.tableKey(table);
                    byte[] stored = store.get(key).orElseThrow().bytes();
                    if (!SealedBody.isSealed(stored)) {
                        throw new AssertionError("base table " + key + " is stored unsealed");
                    }
                    byte[] body = bodies.open(key, stored);
                    BaseLoader.load(table.withObject(body.length, Sha256.of(body)), body, key.value(), catalog, folder);
                }
            });
            for (ObjectKey key : segments) {
                byte[] bytes = bodies.open(key, store.get(key).orElseThrow().bytes());
                new SegmentFold(BackupLayout.parseSegment(key).tenant(), catalog, untilMicros).read(bytes, key.value(), folder::accept);
            }
            Map<String, Map<String, String>> rows = new TreeMap<>();
            RowDecoder decoder = new RowDecoder(catalog);
            folder.drain(new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    rows.computeIfAbsent(catalog.table(tableId), t -> new TreeMap<>())
                            .put(Arrays.deepToString(decoder.key(key)), Arrays.deepToString(decoder.row(version, folder.finalShape(tableId))));
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    // a restore creates no row for it
                }
            });
            return rows;
        }
    }
}
