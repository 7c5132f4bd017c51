package dev.strata.schemas.fold.select;

/**
 * Which keys a restore folds, asked by the segment decoder before it decodes a change's row
 * images: a change of a key nobody wants is skipped (its values are never decoded, only walked
 * over), and reported, so that its table still counts as changed and its new image's shape (the
 * table's columns then) is not lost. A rollback that needs only the keys changed since its point
 * reads the whole log up to it, and decoding the other keys' images was most of that read.
 *
 * <p>A change of a wanted key may be left undecoded too, when the fold holds a newer row of its key that
 * no older change adds to ({@link #mayBeSuperseded}, then {@link #supersedes} at the change's own
 * position, read after its images): a restore reads the log newest first, and most changes of the
 * segments it reads last are of keys it already holds. Such a change is the fold's (it counts it as
 * superseded), not reported {@link #skipped}.
 */
public interface KeyInterest {
    /** The shape {@link #skipped} gets for a new image walked over unread ({@link #shapeNeeded}). */
    int SHAPE_NOT_READ = -2;

    /**
     * @param key the key's values as the fold encodes them ({@code key[0..length)}, a reused buffer: copy to keep)
     * @return whether the change is decoded and handed to the fold (unless {@link #supersedes} then says otherwise)
     */
    boolean wants(int tableId, byte[] key, int length);

    /**
     * Asked of a wanted key before the change's images: whether the fold holds a row of it that no older change adds to.
     * Then the change is walked over and {@link #supersedes} is asked at its position; else it is decoded.
     */
    default boolean mayBeSuperseded(int tableId, byte[] key, int length) {
        return false;
    }

    /**
     * Asked after {@link #mayBeSuperseded}, of a change up to the restore point: whether the row held for its key is newer
     * (the change is then left undecoded); else the change is decoded.
     *
     * @param lsn its place in commit order, as the fold orders versions
     */
    default boolean supersedes(int tableId, byte[] key, int length, long lsn, long txOrder) {
        return false;
    }

    /**
     * A change up to the restore point left undecoded because its key (or its table) is not wanted.
     *
     * @param shapeId the shape of its new row image; -1 for a DELETE (no new image); {@link #SHAPE_NOT_READ} for an
     *     image whose names and types were not read ({@link #shapeNeeded} said so)
     * @param lsn its place in commit order, as the fold orders versions
     */
    void skipped(int tableId, int shapeId, long lsn, long txOrder);

    /**
     * Whether a skipped new image of the table has its columns' names and types read for its shape: not when a
     * newer image of the table, at or before the restore point, is already known, since the fold keeps only the
     * newest shape (in a rollback's profile, about 60% of the walk over a skipped change's images).
     */
    default boolean shapeNeeded(int tableId) {
        return true;
    }
}
