package dev.strata.schemas.fold;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How much the fold may hold in memory before it spills to disk, where, and into how many
 * partitions (each must fit the budget when folded alone: 32 partitions cover a log about 32
 * times the budget).
 */
public record FoldMemory(long budgetBytes, Path spillDir, int partitions) {
    public static final int DEFAULT_PARTITIONS = 32;

    public FoldMemory {
        Objects.requireNonNull(spillDir, "spillDir");
        if (budgetBytes <= 0 || partitions < 2) {
            throw new IllegalArgumentException("fold memory budget must be positive and partitions at least 2, not "
                    + budgetBytes + " / " + partitions);
        }
    }

    /** Two fifths of the heap: the rest is for decoding segments in flight and for the target's buffers. */
    public static FoldMemory defaults(Path spillDir) {
        return new FoldMemory(Runtime.getRuntime().maxMemory() / 5 * 2, spillDir, DEFAULT_PARTITIONS);
    }
}
