package dev.strata.restore;

import java.nio.file.Path;
import java.nio.file.Files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.CaptureService;
import dev.strata.capture.CaptureTestSetup;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.testing.BackupChain;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Large values through the whole chain on real servers: capture (Debezium on PostgreSQL) to Kafka,
 * the router, a sink writing both Ceph regions, and {@code replay} into a fresh database. Values of
 * tens of MiB restore byte-identical; a change over {@code strata.max.event.bytes} is parked by
 * reference and the next change, of another tenant, is backed up within seconds.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeValuesIT {
    private static final int MIB = 1024 * 1024;
    private static final String TABLE = "CREATE TABLE public.blobs (tenant_id text, id int, b bytea, t text, j jsonb,"
            + " PRIMARY KEY (tenant_id, id))";
    /** {@code n} MiB of random bytes: 16 per md5, so nothing compresses them away. */
    private static final String RANDOM_BYTES = "(SELECT string_agg(decode(md5(random()::text || g), 'hex'), ''::bytea)"
            + " FROM generate_series(1, %d) g)";
    /** {@code n} MiB of random hex text. */
    private static final String RANDOM_TEXT = "(SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, %d) g)";
    /** md5 of each whole row's text: every column, as PostgreSQL prints it. */
    private static final String ROWS = "SELECT id, md5(r::text) FROM public.blobs r WHERE tenant_id = '%s' ORDER BY id";

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final String acme = "lv-acme-" + suffix;
    private final String globex = "lv-globex-" + suffix;
    private BackupChain chain;

    @BeforeAll
    void startTheChain(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        chain = BackupChain.start(kafka, stores, LocalStackExtension.workDir().resolve("large-values-" + suffix), new Properties());
        chain.place(acme);
        chain.place(globex);
    }

    @AfterAll
    void stopTheChain() throws InterruptedException {
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void byteaJsonbAndTextOfManyMegabytesRestoreIdentical(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "lv_source_" + suffix;
        pg.createDatabase(db);
        execute(pg, db, TABLE);
        long durableAfterMillis;
        try (CaptureService capture = CaptureService.start(captureConfig(kafka, pg, db, "lv_big_" + suffix, null), Clock.systemUTC())) {
            capture.awaitStreaming(Duration.ofSeconds(120));
            long committedAtMicros = micros(Instant.now());
            execute(pg, db, "INSERT INTO public.blobs (tenant_id, id, b) VALUES ('" + acme + "', 1, "
                    + RANDOM_BYTES.formatted(20 * MIB / 16) + ")");
            long committed = System.nanoTime();
            durableAfterMillis = (chain.awaitDurable(acme, committedAtMicros, Duration.ofSeconds(120)) - committed) / 1_000_000;
            execute(pg, db,
                    "INSERT INTO public.blobs (tenant_id, id, j) VALUES ('" + acme + "', 2, jsonb_build_object('n', 2, 'blob', "
                            + RANDOM_TEXT.formatted(3 * MIB / 32) + "))",
                    "INSERT INTO public.blobs (tenant_id, id, t) VALUES ('" + acme + "', 3, " + RANDOM_TEXT.formatted(8 * MIB / 32) + ")",
                    "INSERT INTO public.blobs (tenant_id, id, t) VALUES ('" + globex + "', 1, 'small')");
            long lastMicros = micros(Instant.now()) - 1;
            execute(pg, db, "UPDATE public.blobs SET t = 'touched' WHERE tenant_id = '" + acme + "' AND id = 1");
            chain.awaitDurable(acme, lastMicros, Duration.ofSeconds(120));
            assertThat(capture.streaming()).isTrue();
        }
        System.out.printf("LargeValuesIT: a 20 MiB bytea row was durable in both regions %d ms after its commit%n", durableAfterMillis);
        assertThat(count(pg, db, "SELECT octet_length(b) FROM public.blobs WHERE id = 1 AND tenant_id = '" + acme + "'"))
                .isEqualTo(20L * MIB);

        String restored = "lv_restored_" + suffix;
        pg.createDatabase(restored);
        long started = System.nanoTime();
        ToolRun replay = ToolRun.run(chain.toolConfig(), "replay", "--tenant", acme, "--until", "latest", "--to", pg.jdbcUrl(restored),
                "--progress", "none");
        System.out.printf("LargeValuesIT: replay of the 31 MiB of rows took %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(replay.code()).as(replay.err()).isZero();
        List<String> source = rows(pg, db, ROWS.formatted(acme));
        assertThat(source).hasSize(3);
        assertThat(rows(pg, restored, ROWS.formatted(acme))).isEqualTo(source);

        // the sink sealed every body it stored: without the regime's key-encryption key the restore is refused, naming the key to set
        Properties withoutKek = new Properties();
        try (var in = Files.newInputStream(chain.toolConfig())) {
            withoutKek.load(in);
        }
        String kekKey = "strata.regime." + chain.regime() + ".kek.file";
        assertThat(withoutKek.remove(kekKey)).isNotNull();
        Path noKek = Files.createTempFile(LocalStackExtension.workDir(), "restore-no-kek", ".properties");
        try (var out = Files.newOutputStream(noKek)) {
            withoutKek.store(out, "LargeValuesIT without the key-encryption key");
        }
        ToolRun refused = ToolRun.run(noKek, "replay", "--tenant", acme, "--until", "latest", "--target", "ndjson", "--to",
                noKek.resolveSibling(noKek.getFileName() + ".ndjson").toString(), "--progress", "none");
        assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("bodies are sealed").contains(kekKey);
    }

    @Test
    void aChangeOverTheLimitIsParkedByReferenceAndTheNextChangeIsBackedUpWithinSeconds(LocalKafka kafka, LocalPostgres pg)
            throws Exception {
        String db = "lv_small_" + suffix;
        String name = "lv_small_" + suffix;
        pg.createDatabase(db);
        execute(pg, db, TABLE);
        long nextDurableMillis;
        try (CaptureService capture = CaptureService.start(captureConfig(kafka, pg, db, name, 2 * MIB), Clock.systemUTC())) {
            capture.awaitStreaming(Duration.ofSeconds(120));
            execute(pg, db, "INSERT INTO public.blobs (tenant_id, id, b) VALUES ('" + acme + "', 9, " + RANDOM_BYTES.formatted(3 * MIB / 16) + ")");
            long nextAtMicros = micros(Instant.now());
            execute(pg, db, "INSERT INTO public.blobs (tenant_id, id, t) VALUES ('" + globex + "', 9, 'after the large one')");
            long committed = System.nanoTime();
            nextDurableMillis = (chain.awaitDurable(globex, nextAtMicros, Duration.ofSeconds(30)) - committed) / 1_000_000;
            assertThat(capture.streaming()).as("capture goes on after the large change").isTrue();
        }
        System.out.printf("LargeValuesIT: the change after the parked one was durable %d ms after its commit%n", nextDurableMillis);
        assertThat(nextDurableMillis).as("the next change is backed up within seconds").isLessThan(10_000);

        ConsumerRecord<byte[], byte[]> parked = parkedBy(kafka, name);
        assertThat(header(parked, DeadLetterHeaders.REASON)).isEqualTo("VALUE_TOO_LARGE");
        assertThat(header(parked, DeadLetterHeaders.FORMAT)).isEqualTo(DeadLetterHeaders.FORMAT_BY_REFERENCE);
        assertThat(header(parked, DeadLetterHeaders.TENANT)).isEqualTo(acme);
        assertThat(header(parked, DeadLetterHeaders.TABLE)).isEqualTo("public.blobs");
        assertThat(header(parked, DeadLetterHeaders.KEY)).contains("id=1:9").contains(acme);
        assertThat(Long.parseLong(header(parked, DeadLetterHeaders.LSN))).isPositive();
        assertThat(header(parked, DeadLetterHeaders.COLUMN)).isEqualTo("b");
        assertThat(header(parked, DeadLetterHeaders.COLUMN_BYTES)).isEqualTo(Integer.toString(3 * MIB));
        assertThat(header(parked, DeadLetterHeaders.LIMIT_BYTES)).isEqualTo(Integer.toString(2 * MIB));
        assertThat(header(parked, DeadLetterHeaders.DETAIL)).contains(KafkaSizeLimits.MAX_EVENT_BYTES + "=" + 2 * MIB);
        assertThat(parked.value().length).as("by reference: no value bytes").isLessThan(2048);
        assertThat(new String(parked.value(), StandardCharsets.UTF_8)).contains("\"column\":\"b\"").contains("\"columnBytes\":" + 3 * MIB);

        ToolRun redrive = ToolRun.run(chain.toolConfig(), "dlq", "redrive", "--reason", "VALUE_TOO_LARGE");
        assertThat(redrive.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(redrive.out()).contains("tenant " + acme + " public.blobs key").contains("column b " + 3 * MIB + " bytes");
        assertThat(redrive.err()).contains("cannot be re-injected").contains(KafkaSizeLimits.MAX_EVENT_BYTES);

        String restored = "lv_after_" + suffix;
        pg.createDatabase(restored);
        ToolRun replay = ToolRun.run(chain.toolConfig(), "replay", "--tenant", globex, "--until", "latest", "--to", pg.jdbcUrl(restored),
                "--progress", "none");
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(rows(pg, restored, "SELECT id, t FROM public.blobs ORDER BY id")).contains("9|after the large one");
    }

    private static CaptureConfig captureConfig(LocalKafka kafka, LocalPostgres pg, String db, String name, Integer maxEventBytes) {
        Properties p = CaptureTestSetup.properties(kafka, pg, db, name, "public.blobs");
        if (maxEventBytes != null) {
            p.setProperty(CaptureConfig.MAX_EVENT_BYTES, Integer.toString(maxEventBytes));
        }
        return CaptureTestSetup.config(p);
    }

    /** The one record capture {@code source} parked in strata.dlq. */
    private static ConsumerRecord<byte[], byte[]> parkedBy(LocalKafka kafka, String source) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (source.equals(header(record, "strata.dlq.capture.source"))) {
                        found.add(record);
                    }
                }
            }
        }
        assertThat(found).as("what capture %s parked", source).hasSize(1);
        return found.get(0);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    private static Connection connect(LocalPostgres pg, String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }

    private static void execute(LocalPostgres pg, String db, String... statements) throws SQLException {
        try (Connection c = connect(pg, db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static long count(LocalPostgres pg, String db, String query) throws SQLException {
        try (Connection c = connect(pg, db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Each row as {@code col1|col2|...}. */
    private static List<String> rows(LocalPostgres pg, String db, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(pg, db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
