package dev.strata.schemas.fold;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Changes written to disk by hash of (table, key), so that each partition can be folded alone in
 * memory (a grace hash fold). Every change of one key lands in one partition, so folding the
 * partitions one after the other gives the same result as folding everything at once.
 */
final class SpillPartitions implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final DataOutputStream[] outputs;
    private final java.util.concurrent.atomic.AtomicLong bytesWritten = new java.util.concurrent.atomic.AtomicLong();
    private long superseded;

    SpillPartitions(Path parent, int count) {
        try {
            Files.createDirectories(parent);
            this.dir = Files.createTempDirectory(parent, "strata-fold-");
            this.outputs = new DataOutputStream[count];
            for (int i = 0; i < count; i++) {
                outputs[i] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(i)), BUFFER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the fold's spill files under " + parent
                    + ": give a writable directory with room for the folded changes (restore-tool --spill-dir, sink strata.base.spill.dir)", e);
        }
    }

    int count() {
        return outputs.length;
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    /** @param version lsn, txOrder and row as the fold keeps them */
    void write(int tableId, FoldOp.Kind kind, byte[] key, byte[] version) {
        int partition = RowKey.bucket(RowKey.hash(key) + 0x9E3779B9 * tableId, outputs.length);
        DataOutputStream out = outputs[partition];
        synchronized (out) { // reader threads spill concurrently
            writeTo(out, partition, tableId, kind, key, version);
        }
    }

    private void writeTo(DataOutputStream out, int partition, int tableId, FoldOp.Kind kind, byte[] key, byte[] version) {
        try {
            out.writeInt(tableId);
            out.writeByte(kind.ordinal());
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(version.length);
            out.write(version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fold's spill file " + file(partition) + ": " + e.getMessage(), e);
        }
        bytesWritten.addAndGet(13 + key.length + version.length);
    }

    /**
     * One partition's changes folded alone, per table id; call after the last write.
     *
     * @param truncates each table's newest TRUNCATE (lsn, txOrder): they stayed in memory, and applied last they turn what
     *     they cleared into tombstones
     */
    Map<Integer, KeyedVersions> fold(int partition, ShapeCatalog catalog, Map<Integer, long[]> truncates) {
        Map<Integer, KeyedVersions> tables = new HashMap<>();
        read(partition, op -> {
            if (tables.computeIfAbsent(op.tableId(), id -> new KeyedVersions(catalog)).apply(op) == KeyedVersions.SUPERSEDED) {
                superseded++;
            }
        });
        tables.forEach((id, t) -> {
            long[] truncate = truncates.get(id);
            if (truncate != null) {
                t.truncate(truncate[0], truncate[1]);
            }
        });
        return tables;
    }

    /** The versions the partitions' folds found superseded so far. */
    long superseded() {
        return superseded;
    }

    /** Reads back one partition's changes; call after the last write. */
    void read(int partition, Consumer<FoldOp> into) {
        try {
            outputs[partition].close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish spill file " + file(partition), e);
        }
        FoldOp.Kind[] kinds = FoldOp.Kind.values();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(partition)), BUFFER))) {
            while (true) {
                int tableId;
                try {
                    tableId = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                FoldOp.Kind kind = kinds[in.readByte()];
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                byte[] version = new byte[in.readInt()];
                in.readFully(version);
                into.accept(new FoldOp(tableId, -1, kind, KeyedVersions.lsn(version), KeyedVersions.txOrder(version), key, version));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spill file " + file(partition) + ": " + e.getMessage(), e);
        }
    }

    private Path file(int partition) {
        return dir.resolve("partition-" + partition + ".fold");
    }

    @Override
    public void close() {
        for (DataOutputStream out : outputs) {
            try {
                out.close();
            } catch (IOException e) {
                // the files are deleted next; a failed close loses nothing that is still needed
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the fold's spill files in " + dir + ": remove them by hand", e);
        }
    }
}
