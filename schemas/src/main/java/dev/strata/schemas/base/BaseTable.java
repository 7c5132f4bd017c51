package dev.strata.schemas.base;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.TableShape;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One table of a base, as its manifest describes it: the object's size and SHA-256, what it holds,
 * and the column shapes its rows refer to.
 *
 * @param rows keys with a live row at the cut
 * @param tombstones keys deleted or truncated by the cut (kept so that a fold from the base equals a fold from the log)
 * @param shapes the column layouts rows name by index
 * @param finalShape index in {@code shapes} of the table's newest row image, -1 if it had only TRUNCATEs
 * @param finalShapeAt where that newest image was written
 * @param truncatedAt the table's newest TRUNCATE at or before the cut
 * @param keyOrdered whether the object holds its rows in the order of their keys' one integer (each key one integer);
 *     false in bases made before it could (then in hash order)
 */
public record BaseTable(String table, long rows, long tombstones, long size, Sha256 sha256, List<TableShape> shapes,
                        int finalShape, Optional<FoldPosition> finalShapeAt, Optional<FoldPosition> truncatedAt,
                        boolean keyOrdered) {

    public BaseTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(sha256, "sha256");
        shapes = List.copyOf(shapes);
        Objects.requireNonNull(finalShapeAt, "finalShapeAt");
        Objects.requireNonNull(truncatedAt, "truncatedAt");
        if (finalShape < -1 || finalShape >= shapes.size() || (finalShape >= 0) != finalShapeAt.isPresent()) {
            throw new IllegalArgumentException("base table " + table + ": final shape " + finalShape + " of " + shapes.size()
                    + " shapes, position " + finalShapeAt + ": they do not agree");
        }
        if (rows < 0 || tombstones < 0 || size < 0) {
            throw new IllegalArgumentException("base table " + table + ": negative count or size");
        }
    }

    /**
     * This table with another form of its object: the sealed bytes the sink stores (whose size and SHA-256 the
     * manifest keeps), or the body a reader opened them to after matching them to the manifest.
     */
    public BaseTable withObject(long objectSize, Sha256 objectSha256) {
        return new BaseTable(table, rows, tombstones, objectSize, objectSha256, shapes, finalShape, finalShapeAt, truncatedAt,
                keyOrdered);
    }
}
