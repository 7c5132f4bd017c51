package dev.strata.restore.drill;

/** One table of a drill: what the checkpoint says the source held, and what the restore produced. */
public record TableComparison(String table, long expectedRows, long restoredRows, String expectedChecksum, String restoredChecksum) {

    public boolean equal() {
        return expectedRows == restoredRows && expectedChecksum.equals(restoredChecksum);
    }

    /** For people and stderr: names the table and the difference. */
    public String difference() {
        return table + ": expected " + expectedRows + " rows (checksum " + expectedChecksum + "), restored " + restoredRows
                + " rows (checksum " + restoredChecksum + ")" + (expectedRows != restoredRows
                        ? ", " + Math.abs(expectedRows - restoredRows) + (restoredRows < expectedRows ? " missing" : " extra")
                        : ", same count but different contents");
    }
}
