package dev.strata.schemas.checkpoint;

/**
 * The one definition of a table checksum, shared by capture (on the source, inside a checkpoint's
 * snapshot) and by drills (on the restored scratch table): the same SQL on both sides is what makes
 * the two numbers comparable.
 *
 * <p>Order-independent and streaming: the sum of a 64-bit hash of each row's text form, as an exact
 * numeric (no overflow, no order, no sort, no memory per row). A row's text form is what restore
 * reproduces exactly (the type-zoo tests); {@code ROW(alias.*)} rather than {@code alias::text}, which
 * would read a column that happens to share the alias's name. {@code hashtextextended} exists from
 * PostgreSQL 11.
 */
public final class RowChecksum {
    /** Alias the table as {@value #ROW_ALIAS} in the FROM clause. */
    public static final String ROW_ALIAS = "strata_row";
    /** Selects two columns: the row count (bigint) and the checksum (text, "0" for no rows). */
    public static final String AGGREGATE = "count(*), coalesce(sum(hashtextextended(ROW(" + ROW_ALIAS + ".*)::text, 0)::numeric), 0)::text";
    /** The checksum of a table with no rows of the tenant. */
    public static final String EMPTY = "0";

    private RowChecksum() {
    }
}
