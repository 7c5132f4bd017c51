package dev.strata.restore;

import static dev.strata.restore.ToolConfig.BOOTSTRAP_SERVERS;
import static dev.strata.restore.ToolConfig.DRILL_CREDENTIALS_FILE;
import static dev.strata.restore.ToolConfig.LEDGER_CREDENTIALS_FILE;
import static dev.strata.restore.ToolConfig.KEY_ADMIN_CREDENTIALS_FILE;
import static dev.strata.restore.ToolConfig.DRILL_POSTGRES_PASSWORD_FILE;
import static dev.strata.restore.ToolConfig.DRILL_POSTGRES_URL;
import static dev.strata.restore.ToolConfig.DRILL_POSTGRES_USER;
import static dev.strata.restore.ToolConfig.DRILL_POSTGRES_USER_DEFAULT;
import static dev.strata.restore.ToolConfig.DRILL_TENANT_COLUMN;
import static dev.strata.restore.ToolConfig.DRILL_TENANT_COLUMN_DEFAULT;
import static dev.strata.restore.ToolConfig.EXPIRE_CREDENTIALS_FILE;
import static dev.strata.restore.ToolConfig.MAX_EVENT_BYTES;
import static dev.strata.restore.ToolConfig.MAX_EVENT_BYTES_DEFAULT;
import static dev.strata.restore.ToolConfig.MAX_SEGMENT_SPAN_DEFAULT;
import static dev.strata.restore.ToolConfig.MAX_SEGMENT_SPAN_MS;
import static dev.strata.restore.ToolConfig.LOAD_SESSIONS;
import static dev.strata.restore.ToolConfig.LOAD_SESSIONS_DEFAULT;
import static dev.strata.restore.ToolConfig.LOAD_SESSIONS_MAX;
import static dev.strata.restore.ToolConfig.READERS;
import static dev.strata.restore.ToolConfig.READERS_DEFAULT;
import static dev.strata.restore.ToolConfig.READERS_MAX;
import static dev.strata.restore.ToolConfig.REGIMES;

import dev.strata.schemas.config.ConfigReference;
import dev.strata.schemas.config.ConfigSpec;
import dev.strata.schemas.config.Validators;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.retention.RetentionKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What each restore-tool key means, its type, default and range: the one source of the README's
 * restore-tool table. Every key is optional when the file is read; each command asks for the ones
 * it needs (a restore host may have no Kafka, a verify no drill database). {@code main} prints the
 * table, or with the README's path rewrites it there; ToolConfigDefTest fails when it differs.
 */
public final class ToolConfigDef {
    /** The README block between {@code <!-- BEGIN restore-tool keys -->} and {@code <!-- END restore-tool keys -->}. */
    public static final String README_BLOCK = "restore-tool keys";

    public static final ConfigSpec SPEC = RetentionKeys.define(ConfigSpec.builder("config", "README.md (Configuration, restore-tool table)")
            .group("Kafka")
            .optional(BOOTSTRAP_SERVERS, Type.STRING, null, null,
                    "The Kafka brokers, for placements (`tenants`), dead letters (`dlq`), watermarks (`status`, `drill`) and"
                            + " `replay --target kafka`.",
                    "required by those")
            .example(BOOTSTRAP_SERVERS, "kafka:9092")
            .optional(REGIMES, Type.LIST, null, Validators.regimeNames(),
                    "The deployment's regimes; a placement must name one of them (`tenants put`, `dlq redrive`). Unset, the stores"
                            + " are those of every regime named by a `strata.regime.<regime>.` key (a restore host may hold one"
                            + " regime's keys only).",
                    "every regime with store keys")
            .example(REGIMES, "us,eu")
            .optional(MAX_EVENT_BYTES, Type.INT, MAX_EVENT_BYTES_DEFAULT, KafkaSizeLimits.RANGE, KafkaSizeLimits.DOC
                    + " Here: the `dlq redrive` clients, and `replay --target kafka`, whose rows (as JSON) must fit it.")
            .group("Restore")
            .optional(MAX_SEGMENT_SPAN_MS, Type.LONG, MAX_SEGMENT_SPAN_DEFAULT.toMillis(),
                    Validators.atLeast(BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toMillis(), "the sink cuts segments at that commit span,"
                            + " and a restore from a base would miss a segment straddling the cut; raise it"),
                    "The longest commit-time span of one segment: a listing that starts at a base cut starts this much earlier,"
                            + " since segment keys sort by their first cut time (commit time, as a running maximum in WAL order)."
                            + " The sink keeps the layout's bound; raise this"
                            + " only for segments written by another writer.")
            .optional(READERS, Type.INT, READERS_DEFAULT, Validators.between(1, READERS_MAX), "Segments fetched and decoded at once.")
            .optional(LOAD_SESSIONS, Type.INT, LOAD_SESSIONS_DEFAULT, Validators.between(1, LOAD_SESSIONS_MAX),
                    "Sessions a restore into PostgreSQL (`replay --target postgres`) loads the tables it creates over at once,"
                            + " besides its own: a COPY keeps one server core busy. Above 1, those tables are created and loaded in a"
                            + " staging schema (`strata_load_<id>`, committed, granted to no one) and moved into place by the"
                            + " restore's one transaction, which still commits all or nothing; a restore that dies leaves it, and"
                            + " the next restore into that database by the same user drops it. What cannot be staged loads on the"
                            + " restore's own session: existing tables, a restore with --where, tables of several schemas, an owned"
                            + " sequence of another schema or whose name is taken (README, Restore runbook, step 4). 1 loads"
                            + " everything there.")
            .group("Drills")
            .optional(DRILL_POSTGRES_URL, Type.STRING, null, null,
                    "A database on the server where each drill creates, then drops, its scratch database"
                            + " (`strata_drill_<tenant>_<micros>`).",
                    "required for `drill`")
            .example(DRILL_POSTGRES_URL, "jdbc:postgresql://postgres:5432/postgres")
            .optional(DRILL_POSTGRES_USER, Type.STRING, DRILL_POSTGRES_USER_DEFAULT, null, "A role with CREATEDB.")
            .optional(DRILL_POSTGRES_PASSWORD_FILE, Type.STRING, null, null, "A file holding that role's password.",
                    "none (the server trusts the connection)")
            .example(DRILL_POSTGRES_PASSWORD_FILE, "/run/secrets/drill-postgres-password")
            .optional(DRILL_TENANT_COLUMN, Type.STRING, DRILL_TENANT_COLUMN_DEFAULT, null, "The tenant column of shared-schema tables."))
            .regimeSettings(regionSettings())
            .build();

    private ToolConfigDef() {
    }

    /**
     * A region's store keys, and beside the reader's the drill user's (reads, and puts under strata/v1/drills/ only) and the
     * expire user's (deletes versions whose retention passed), the ledger user's and the key-admin user's.
     */
    private static List<String> regionSettings() {
        List<String> settings = new ArrayList<>(RegimeSettings.SETTINGS);
        settings.add(DRILL_CREDENTIALS_FILE);
        settings.add(EXPIRE_CREDENTIALS_FILE);
        settings.add(LEDGER_CREDENTIALS_FILE);
        settings.add(KEY_ADMIN_CREDENTIALS_FILE);
        return settings;
    }

    /** Prints the README's restore-tool table; {@code ToolConfigDef README.md} rewrites it in place. */
    public static void main(String[] args) throws IOException {
        ConfigReference.printOrWrite(args, README_BLOCK, ConfigReference.markdown(SPEC));
    }
}
