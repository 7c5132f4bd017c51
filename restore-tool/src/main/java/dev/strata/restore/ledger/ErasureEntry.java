package dev.strata.restore.ledger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One erasure request of the ledger, as stored (JSON) under
 * {@code strata/v1/ledger/<tenant>/<requestedAt>_<seq>.entry} in both regions.
 *
 * @param key the key columns the request named, as {@code psql} prints their values (some or all of the table's key)
 * @param aliases every other whole key the row had in the log when the request was made (an UPDATE that changed its
 *     key, either way): restores to points before such a change find the row under that key
 * @param nullColumns empty: the row is left out; else these columns are restored as NULL and the row kept
 * @param requestedBy who asked (the operator's name as given, else the OS user running the tool)
 * @param requestedAt ISO-8601 UTC
 */
public record ErasureEntry(int version, String tenant, String table, Map<String, String> key, List<Map<String, String>> aliases,
                           List<String> nullColumns, String reason, String requestedBy, String requestedAt) {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ErasureEntry {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(table, "table");
        key = new LinkedHashMap<>(Objects.requireNonNull(key, "key"));
        aliases = aliases == null ? List.of() : aliases.stream().map(a -> (Map<String, String>) new LinkedHashMap<>(a)).toList();
        nullColumns = nullColumns == null ? List.of() : List.copyOf(nullColumns);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an erasure entry names no key column");
        }
    }

    /** Whether the row is left out entirely (rather than some columns nulled). */
    public boolean leavesRowOut() {
        return nullColumns.isEmpty();
    }

    /** "left out" or "columns nulled: a, b". */
    public String effect() {
        return leavesRowOut() ? "row left out" : "columns nulled: " + String.join(", ", nullColumns);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the erasure entry of " + tenant + " " + table + ": " + e.getMessage(), e);
        }
    }

    /** @throws IOException when the bytes are not an entry of this version */
    public static ErasureEntry parse(byte[] json) throws IOException {
        ErasureEntry entry = JSON.readValue(json, ErasureEntry.class);
        if (entry.version() != VERSION) {
            throw new IOException("entry version " + entry.version() + " is not " + VERSION + " (a newer restore-tool wrote it: upgrade)");
        }
        return entry;
    }
}
