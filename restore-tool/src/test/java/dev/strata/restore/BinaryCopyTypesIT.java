package dev.strata.restore;

import static dev.strata.restore.testing.SourceTable.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.Databases;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.SourceTable;
import dev.strata.restore.testing.SourceTable.Form;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every type a restore loads by binary COPY, with the values at its edges (NULL, the extremes, NaN and infinities,
 * dates before Christ, non-ASCII and empty text, every byte): captured in capture's forms, backed up by the sink's
 * classes, and restored into a fresh database, whose rows print the source's {@code row::text}. The server checks every
 * field's bytes as it reads them.
 */
@ExtendWith(LocalStackExtension.class)
class BinaryCopyTypesIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final String TIMES = "CASE WHEN isfinite($c) THEN (extract(epoch from $c) * 1000000)::bigint::text ELSE $c::text END";
    private static final SourceTable ZOO = new SourceTable("public.zoo", List.of(
            col("tenant_id", "text", Form.TEXT), col("id", "integer", Form.LONG), col("i2", "smallint", Form.LONG),
            col("i4", "integer", Form.LONG), col("i8", "bigint", Form.LONG), col("f4", "real", Form.DOUBLE, "$c::float8"),
            col("f8", "double precision", Form.DOUBLE), col("b", "boolean", Form.BOOLEAN), col("t", "text", Form.TEXT),
            col("vc", "character varying(10)", Form.TEXT), col("ch", "character(5)", Form.TEXT), col("raw", "bytea", Form.BYTES),
            col("u", "uuid", Form.TEXT, "$c::text"),
            col("d", "date", Form.LONG_OR_TEXT, "CASE WHEN isfinite($c) THEN ($c - date '1970-01-01')::text ELSE $c::text END"),
            col("tm", "time without time zone", Form.LONG, "(extract(epoch from $c) * 1000000)::bigint"),
            col("ts", "timestamp without time zone", Form.LONG_OR_TEXT, TIMES),
            col("tstz", "timestamp with time zone", Form.LONG_OR_TEXT, TIMES), col("n", "numeric", Form.TEXT, "$c::text"),
            col("jb", "jsonb", Form.TEXT, "$c::text"), col("j", "json", Form.TEXT, "$c::text")),
            List.of("tenant_id", "id"), "tenant_id");
    private static final String DDL = "CREATE TABLE public.zoo (tenant_id text, id int, i2 smallint, i4 integer, i8 bigint, f4 real,"
            + " f8 double precision, b boolean, t text, vc varchar(10), ch char(5), raw bytea, u uuid, d date, tm time, ts timestamp,"
            + " tstz timestamptz, n numeric, jb jsonb, j json, PRIMARY KEY (tenant_id, id))";
    private static final List<String> ROWS = List.of(
            "1, 1, 1, 1, 1.5, 1.5, true, 'plain', 'vc', 'ab', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29',"
                    + " '12:34:56.789', '2026-01-02 03:04:05.678901', '2026-01-02 03:04:05.678901+00', 123.4500,"
                    + " '{\"a\": [1, {\"b\": null}]}', '{\"x\":  1}'",
            "2, -32768, -2147483648, -9223372036854775808, 'NaN', '-Infinity', false, E'\u00fcn\u00efc\u00f6d\u00e9 \u2713 tab\\there',"
                    + " '', '', '', '00000000-0000-0000-0000-000000000000', '4713-01-01 BC', '00:00:00', '-infinity', 'infinity',"
                    + " 'NaN', '[]', 'null'",
            "3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
            "4, 32767, 2147483647, 9223372036854775807, 3.4e38, -0, true, repeat('x', 10000), 'ten chars!', 'abcde',"
                    + " (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea) FROM generate_series(0, 255) g),"
                    + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '5874897-12-31', '23:59:59.999999', '1999-12-31 23:59:59.999999',"
                    + " '2000-01-01 00:00:00+00', -99999999999999999999.123456789, '{\"deep\": {\"deeper\": [true, false]}}',"
                    + " '\"string\"'");
    private static final String MD5 = "SELECT md5(string_agg(z::text, '|' ORDER BY id)) FROM public.zoo z";

    @Test
    void everyBinaryTypeRestoresTheSourceRows(LocalPostgres pg, LocalObjectStores stores) throws Exception {
        pg.createDatabase("zoo_source");
        String source;
        long at = START;
        CaptureSimulator capture;
        try (Connection connection = Databases.connect(pg, "zoo_source"); Connection sums = Databases.connect(pg, "zoo_source")) {
            try (Statement s = sums.createStatement()) {
                s.execute(DDL);
            }
            capture = new CaptureSimulator(connection);
            CaptureSimulator.Tx tx = capture.begin(at += 60_000_000L);
            for (int i = 0; i < ROWS.size(); i++) {
                tx.insert(ZOO, "INSERT INTO public.zoo VALUES ('acme', " + ROWS.get(i) + ")", "acme", i + 1);
            }
            tx.commit();
            // a later version of a row: its values are the update's, read from the newest image
            capture.begin(at += 60_000_000L).update(ZOO, "i2 = i2 + 1, t = t || ' again', d = d + 1, n = n * 2", "acme", 1).commit();
            source = Databases.text(sums, MD5);
        }

        stores.primary().createLockedBucket("zoo-primary");
        stores.backup().createLockedBucket("zoo-backup");
        try (ObjectStore primary = LocalStores.writer(stores.primary(), "zoo-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), "zoo-backup");
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "zoo-sink"))) {
            sink.write(capture.events(), SinkBackup.flushEvery(Duration.ofMinutes(2)));
            sink.seal(Optional.of(UtcHour.containing(at)));
        }
        Properties props = LocalStores.regime("eu", stores.primary(), "zoo-primary", stores.backup(), "zoo-backup");
        props.setProperty(ToolConfig.REGIMES, "eu");
        Path config = LocalStores.write(props, LocalStackExtension.workDir());

        pg.createDatabase("zoo_restored");
        ToolRun r = ToolRun.run(config, "replay", "--tenant", "acme", "--until", RestoreTime.format(at), "--to", pg.jdbcUrl("zoo_restored"),
                "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        try (Connection restored = Databases.connect(pg, "zoo_restored")) {
            assertThat(Databases.text(restored, "SELECT count(*) FROM public.zoo")).isEqualTo("4");
            assertThat(Databases.text(restored, MD5)).as("every row's text, as the source prints it").isEqualTo(source);
        }
    }
}
