package dev.strata.restore.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What one drill found, as stored under {@code strata/v1/drills/<tenant>/<time>.json} and read back
 * by {@code status}. Times are ISO-8601 UTC.
 *
 * @param rtoSeconds how long the restore into the scratch database took (plan, verify, fold, load)
 * @param checkpoint null when the drill failed before finding one
 */
public record DrillReport(String tenant, String regime, String startedAt, String finishedAt, DrillResult result, double rtoSeconds,
                          CheckpointInfo checkpoint, List<TableComparisonJson> tables, String message) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** @param ageSeconds how old the checkpoint was when the drill started: RPO evidence */
    public record CheckpointInfo(String commitTime, String snapshot, double ageSeconds) {
    }

    public record TableComparisonJson(String table, long expectedRows, long restoredRows, String expectedChecksum,
                                      String restoredChecksum, boolean equal) {
        static TableComparisonJson of(TableComparison c) {
            return new TableComparisonJson(c.table(), c.expectedRows(), c.restoredRows(), c.expectedChecksum(), c.restoredChecksum(),
                    c.equal());
        }
    }

    public DrillReport {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the drill report of " + tenant + ": " + e.getMessage(), e);
        }
    }

    /** Empty when the bytes are not a report (status then says so instead of failing). */
    public static Optional<DrillReport> parse(byte[] json) {
        try {
            return Optional.of(JSON.readValue(json, DrillReport.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public long mismatchedTables() {
        return tables.stream().filter(t -> !t.equal()).count();
    }
}
