package dev.strata.schemas.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.schemas.json.VersionedJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table as the catalogs described it right after a DDL command (or when capture started): what a
 * restore needs to create it as it was, and to follow its columns by attnum across RENAME, ADD and
 * DROP. Travels as the JSON of a DDL event's {@code tableDefinition}, written by capture's event
 * trigger function (capture's {@code DdlHistory}); format {@value #FORMAT}, version {@value #VERSION}.
 *
 * @param tag the command tag (ALTER TABLE, CREATE TABLE, ...) or {@value #STARTUP} for the definition capture read at its start
 * @param columns in attnum order, dropped ones included (marked)
 * @param primaryKey the primary key's columns in key order; empty without one
 * @param constraints primary key, unique, CHECK, exclusion and foreign-key constraints, by name
 * @param indexes the indexes that back no constraint, as {@code pg_get_indexdef} writes them
 * @param sequences the sequences owned by a column (serial, identity)
 */
public record TableDefinition(String tag, String table, List<DefinedColumn> columns, List<String> primaryKey,
                              List<Constraint> constraints, List<Index> indexes, List<OwnedSequence> sequences) {
    public static final String FORMAT = "strata.table-definition";
    public static final int VERSION = 1;
    public static final String STARTUP = "STRATA STARTUP";
    private static final VersionedJson JSON = new VersionedJson("table definition", FORMAT, VERSION);

    /**
     * @param type {@code pg_constraint.contype}: p, u, c, f or x
     * @param definition {@code pg_get_constraintdef}
     * @param references the referenced table of a foreign key ({@code schema.table}), else null
     */
    public record Constraint(String name, String type, String definition, String references) {
    }

    public record Index(String name, String definition) {
    }

    /** @param sequence {@code schema.name} of the sequence; {@code identity} whether it is an identity column's own */
    public record OwnedSequence(String column, String sequence, boolean identity) {
    }

    public TableDefinition {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        constraints = List.copyOf(constraints);
        indexes = List.copyOf(indexes);
        sequences = List.copyOf(sequences);
    }

    /** The columns a row holds now, in attnum order. */
    public List<DefinedColumn> liveColumns() {
        return columns.stream().filter(c -> !c.dropped()).toList();
    }

    public Optional<DefinedColumn> column(int attnum) {
        return columns.stream().filter(c -> c.attnum() == attnum && !c.dropped()).findFirst();
    }

    public Optional<DefinedColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name) && !c.dropped()).findFirst();
    }

    /** Whether a column with this attnum existed (live or dropped) when the definition was read. */
    public boolean hadAttnum(int attnum) {
        return columns.stream().anyMatch(c -> c.attnum() == attnum);
    }

    /** @throws IllegalArgumentException naming what is wrong, when the JSON is not a definition of this version */
    public static TableDefinition parse(String json) {
        JsonNode root = JSON.read(json.getBytes(StandardCharsets.UTF_8));
        List<DefinedColumn> columns = new ArrayList<>();
        for (JsonNode c : root.path("columns")) {
            columns.add(new DefinedColumn((int) JSON.number(c, "attnum"), JSON.text(c, "name"), JSON.text(c, "type"),
                    c.path("notNull").asBoolean(), textOrNull(c, "default"), textOrNull(c, "identity"), textOrNull(c, "generated"),
                    textOrNull(c, "missing"),
                    c.path("hasMissing").asBoolean(), c.path("dropped").asBoolean()));
        }
        List<String> key = new ArrayList<>();
        root.path("primaryKey").forEach(k -> key.add(k.asText()));
        List<Constraint> constraints = new ArrayList<>();
        for (JsonNode c : root.path("constraints")) {
            constraints.add(new Constraint(JSON.text(c, "name"), JSON.text(c, "type"), JSON.text(c, "definition"),
                    textOrNull(c, "references")));
        }
        List<Index> indexes = new ArrayList<>();
        for (JsonNode i : root.path("indexes")) {
            indexes.add(new Index(JSON.text(i, "name"), JSON.text(i, "definition")));
        }
        List<OwnedSequence> sequences = new ArrayList<>();
        for (JsonNode s : root.path("sequences")) {
            sequences.add(new OwnedSequence(JSON.text(s, "column"), JSON.text(s, "sequence"), s.path("identity").asBoolean()));
        }
        return new TableDefinition(JSON.text(root, "tag"), JSON.text(root, "table"), columns, key, constraints, indexes, sequences);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
