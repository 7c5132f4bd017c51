package dev.strata.capture;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.io.StringReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * The capture benchmark behind {@code bench/capture} (a main, not a test): 200k rows of two tenants,
 * once as one COPY and once as 1000-row transactions, through the real capture into a real Kafka, and
 * the same rows through its peers in the same run ({@link DebeziumPeers}: Debezium alone, and Debezium's
 * JSON envelope to Kafka), with the ratios and the bytes per event of each format.
 * Reports acknowledged events per second (first commit to last acknowledgement) and the
 * commit-to-acknowledgement latency of every event, and prints the README's table rows. First,
 * unreported 50k-row runs of capture and of Debezium alone on both workloads warm the JVM (JIT) and the
 * broker up, as a long-running capture is ({@link #warmUp}); each result says how long the JIT compiled during it.
 *
 * <p>Usage: {@code CaptureBench [rows] [rowsPerTransaction]}
 */
public final class CaptureBench {
    private static final String DB = "bench";
    private static final int PACED_ROWS = 10_000;
    private static final int SIZE_SAMPLE = 100;
    private static final List<String> TABLES = List.of("copy_rows", "tx_rows", "paced_rows", "copy_alone", "copy_json", "tx_alone",
            "tx_json");
    private static final int WARM_ROUNDS = 4;
    /** A warm-up round after which the JIT compilers worked less than this share of its time ends the warm-up. */
    private static final double WARM_JIT_SHARE = 0.05;
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();

    /** Records every acknowledgement; the engine's one thread writes, the main thread reads after the last one. */
    private static final class Recorder implements DeliveryListener {
        private final long[] latencyMicros;
        private volatile int count;
        private volatile long firstCommitMicros = Long.MAX_VALUE;
        private volatile long lastAckMicros;
        private long sampledBytes;
        private int samples;

        Recorder(int expected) {
            latencyMicros = new long[expected];
        }

        @Override
        public void published(ChangeEvent event, long ackedAtMicros) {
            int n = count;
            if (n < latencyMicros.length) {
                latencyMicros[n] = ackedAtMicros - event.getCommitTsMicros();
            }
            if (n % SIZE_SAMPLE == 0) {
                sampledBytes += CODEC.encode(event).length;
                samples++;
            }
            firstCommitMicros = Math.min(firstCommitMicros, event.getCommitTsMicros());
            lastAckMicros = ackedAtMicros;
            count = n + 1;
        }

        @Override
        public void parked(DeadLetterReason reason) {
            throw new IllegalStateException("the benchmark workload must not produce dead letters, got " + reason);
        }

        @Override
        public void heartbeat(long atMillis) {
        }
    }

    private record Result(String scenario, int events, double eventsPerSecond, double p50Millis, double p99Millis,
            double firstMillis, double workloadSeconds, double bytesPerEvent, long jitMillis) {
    }

    private CaptureBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int perTransaction = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path work = Path.of("capture", "target", "bench-local").toAbsolutePath();
        try (LocalKafka kafka = LocalKafka.start(work); LocalPostgres pg = LocalPostgres.start(work)) {
            pg.createDatabase(DB);
            for (String table : TABLES) {
                createTable(pg, table);
            }
            warmUp(kafka, pg, Math.min(rows, 50_000), perTransaction);
            Result copy = run(kafka, pg, "benchcopy", "public.copy_rows", rows, () -> copyRows(pg, "copy_rows", rows));
            DebeziumPeers.Result copyAlone = DebeziumPeers.alone(peerConfig(kafka, pg, "peercopyalone", "copy_alone"), "public.copy_alone",
                    rows, () -> copyRows(pg, "copy_alone", rows));
            DebeziumPeers.Result copyJson = DebeziumPeers.jsonPipeline(peerConfig(kafka, pg, "peercopyjson", "copy_json"),
                    "public.copy_json", rows, () -> copyRows(pg, "copy_json", rows));
            Result transactions = run(kafka, pg, "benchtx", "public.tx_rows", rows, () -> transactionRows(pg, "tx_rows", rows, perTransaction));
            DebeziumPeers.Result txAlone = DebeziumPeers.alone(peerConfig(kafka, pg, "peertxalone", "tx_alone"), "public.tx_alone", rows,
                    () -> transactionRows(pg, "tx_alone", rows, perTransaction));
            DebeziumPeers.Result txJson = DebeziumPeers.jsonPipeline(peerConfig(kafka, pg, "peertxjson", "tx_json"), "public.tx_json", rows,
                    () -> transactionRows(pg, "tx_json", rows, perTransaction));
            // steady traffic below capacity: the latency a backup's RPO sees day to day
            Result paced = run(kafka, pg, "benchpaced", "public.paced_rows", PACED_ROWS, () -> pacedRows(pg));
            print(copy);
            print(transactions);
            print(paced);
            printPeers("COPY", copy, copyAlone, copyJson);
            printPeers(perTransaction + "-row tx", transactions, txAlone, txJson);
            System.out.println();
            System.out.printf(Locale.ROOT, "| capture: events/s into Kafka (200k rows, COPY and 1000-row transactions) | >= 25k/s"
                    + " | COPY %,.0f/s; %d-row tx %,.0f/s | `bench/capture` |%n", copy.eventsPerSecond(), perTransaction,
                    transactions.eventsPerSecond());
            System.out.printf(Locale.ROOT, "| capture vs Debezium embedded alone (same settings, a counting consumer), same run | >= 0.8x"
                    + " | COPY %.2fx (%,.0f vs %,.0f/s); %d-row tx %.2fx (%,.0f vs %,.0f/s) | `bench/capture` |%n",
                    copy.eventsPerSecond() / copyAlone.eventsPerSecond(), copy.eventsPerSecond(), copyAlone.eventsPerSecond(), perTransaction,
                    transactions.eventsPerSecond() / txAlone.eventsPerSecond(), transactions.eventsPerSecond(), txAlone.eventsPerSecond());
            System.out.printf(Locale.ROOT, "| capture vs Debezium's JSON envelope produced to Kafka (acks=all), same run | | COPY %.2fx"
                    + " (%,.0f/s); %d-row tx %.2fx (%,.0f/s); bytes per event into Kafka: Strata's Avro %.0f, JSON envelope %.0f with"
                    + " schemas, %.0f without | `bench/capture` |%n", copy.eventsPerSecond() / copyJson.eventsPerSecond(),
                    copyJson.eventsPerSecond(), perTransaction, transactions.eventsPerSecond() / txJson.eventsPerSecond(),
                    txJson.eventsPerSecond(), copy.bytesPerEvent(), copyJson.jsonBytesWithSchema(), copyJson.jsonBytesWithoutSchema());
            System.out.printf(Locale.ROOT, "| capture: commit -> Kafka ack p50/p99 | | COPY %.0f/%.0f ms; %d-row tx %.0f/%.0f ms"
                    + " (backlog drain); steady 2k rows/s %.0f/%.0f ms | `bench/capture` |%n", copy.p50Millis(), copy.p99Millis(),
                    perTransaction, transactions.p50Millis(), transactions.p99Millis(), paced.p50Millis(), paced.p99Millis());
        }
    }

    /**
     * Runs capture and Debezium alone on both workloads, unreported, until a round leaves the JIT compilers
     * nearly idle (under {@link #WARM_JIT_SHARE} of the round's time) or {@link #WARM_ROUNDS} rounds ran. A
     * long-running capture is compiled; and the engine code capture shares with its peer must be compiled
     * before either is measured, or the first one measured pays for both (one 50k-row warm-up left
     * KafkaProducer.doSend and ChangePublisher.handleBatch to be C2-compiled during the measured COPY run).
     */
    private static void warmUp(LocalKafka kafka, LocalPostgres pg, int rows, int perTransaction) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int round = 1; round <= WARM_ROUNDS; round++) {
            long jitBefore = jit.getTotalCompilationTime();
            long started = System.nanoTime();
            String copy = "warm_copy_" + round;
            String tx = "warm_tx_" + round;
            String copyAlone = "warm_copy_alone_" + round;
            String txAlone = "warm_tx_alone_" + round;
            for (String table : List.of(copy, tx, copyAlone, txAlone)) {
                createTable(pg, table);
            }
            run(kafka, pg, "warmcopy" + round, "public." + copy, rows, () -> copyRows(pg, copy, rows));
            run(kafka, pg, "warmtx" + round, "public." + tx, rows, () -> transactionRows(pg, tx, rows, perTransaction));
            DebeziumPeers.alone(peerConfig(kafka, pg, "warmcopyalone" + round, copyAlone), "public." + copyAlone, rows,
                    () -> copyRows(pg, copyAlone, rows));
            DebeziumPeers.alone(peerConfig(kafka, pg, "warmtxalone" + round, txAlone), "public." + txAlone, rows,
                    () -> transactionRows(pg, txAlone, rows, perTransaction));
            double seconds = (System.nanoTime() - started) / 1e9;
            long jitMillis = jit.getTotalCompilationTime() - jitBefore;
            System.out.printf(Locale.ROOT, "warm-up round %d: %.1f s, of it %,d ms JIT compiling%n", round, seconds, jitMillis);
            if (jitMillis < WARM_JIT_SHARE * seconds * 1000) {
                return;
            }
        }
    }

    private static void createTable(LocalPostgres pg, String table) throws Exception {
        CaptureTestSetup.execute(pg, DB, "CREATE TABLE " + table
                + " (tenant_id text, id bigint, amount numeric(12,2), note text, PRIMARY KEY (tenant_id, id))");
    }

    interface Workload {
        void run() throws Exception;
    }

    private static Result run(LocalKafka kafka, LocalPostgres pg, String name, String table, int rows, Workload workload)
            throws Exception {
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, name, table);
        properties.setProperty(CaptureConfig.HEARTBEAT_INTERVAL_MS, "1000");
        Recorder recorder = new Recorder(rows);
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC(), recorder)) {
            capture.awaitStreaming(Duration.ofSeconds(60));
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long started = System.nanoTime();
            workload.run();
            double workloadSeconds = (System.nanoTime() - started) / 1e9;
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (recorder.count < rows) {
                if (System.nanoTime() > deadline || capture.failure() != null) {
                    throw new IllegalStateException(name + ": only " + recorder.count + " of " + rows + " events acknowledged",
                            capture.failure());
                }
                Thread.sleep(20);
            }
            long[] latencies = Arrays.copyOf(recorder.latencyMicros, rows);
            Arrays.sort(latencies);
            double seconds = (recorder.lastAckMicros - recorder.firstCommitMicros) / 1e6;
            return new Result(name, rows, rows / seconds, percentile(latencies, 0.50) / 1000.0,
                    percentile(latencies, 0.99) / 1000.0, latencies[0] / 1000.0, workloadSeconds,
                    (double) recorder.sampledBytes / recorder.samples,
                    ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore);
        } finally {
            CaptureTestSetup.dropSlot(pg, DB, name + "_slot");
        }
    }

    private static CaptureConfig peerConfig(LocalKafka kafka, LocalPostgres pg, String name, String table) {
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, name, "public." + table);
        properties.setProperty(CaptureConfig.HEARTBEAT_INTERVAL_MS, "1000");
        return CaptureTestSetup.config(properties);
    }

    private static void printPeers(String scenario, Result capture, DebeziumPeers.Result alone, DebeziumPeers.Result json) {
        System.out.printf(Locale.ROOT, "%-10s capture %,.0f/s = %.2fx Debezium alone (%,.0f/s), %.2fx the JSON envelope to Kafka"
                + " (%,.0f/s); bytes per event: Avro %.0f, JSON %.0f with schemas, %.0f without%n", scenario, capture.eventsPerSecond(),
                capture.eventsPerSecond() / alone.eventsPerSecond(), alone.eventsPerSecond(), capture.eventsPerSecond() / json.eventsPerSecond(),
                json.eventsPerSecond(), capture.bytesPerEvent(), json.jsonBytesWithSchema(), json.jsonBytesWithoutSchema());
    }

    private static void copyRows(LocalPostgres pg, String table, int rows) throws Exception {
        StringBuilder data = new StringBuilder(rows * 40);
        for (int i = 1; i <= rows; i++) {
            data.append(i % 2 == 0 ? "acme" : "initech").append('\t').append(i).append('\t').append(i % 100_000).append(".25\t")
                    .append("row ").append(i).append('\n');
        }
        try (Connection connection = CaptureTestSetup.connect(pg, DB)) {
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (tenant_id, id, amount, note) FROM STDIN", new StringReader(data.toString()));
        }
    }

    private static void transactionRows(LocalPostgres pg, String table, int rows, int perTransaction) throws Exception {
        try (Connection connection = CaptureTestSetup.connect(pg, DB); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (int first = 1; first <= rows; first += perTransaction) {
                int last = Math.min(rows, first + perTransaction - 1);
                sql.executeUpdate("INSERT INTO " + table + " SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'initech' END, g,"
                        + " (g % 100000) + 0.25, 'row ' || g FROM generate_series(" + first + ", " + last + ") g");
                connection.commit();
            }
        }
    }

    /** 20-row transactions, 100 per second, for 5 s: 2,000 rows/s of two tenants. */
    private static void pacedRows(LocalPostgres pg) throws Exception {
        try (Connection connection = CaptureTestSetup.connect(pg, DB); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            for (int tx = 0; tx < PACED_ROWS / 20; tx++) {
                long due = start + tx * 10_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                int first = tx * 20 + 1;
                sql.executeUpdate("INSERT INTO paced_rows SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'initech' END, g,"
                        + " (g % 100000) + 0.25, 'row ' || g FROM generate_series(" + first + ", " + (first + 19) + ") g");
                connection.commit();
            }
        }
    }

    private static long percentile(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void print(Result result) {
        System.out.printf(Locale.ROOT, "%-10s %,d events acknowledged: %,.0f events/s (first commit to last ack), commit->ack"
                        + " p50 %.0f ms, p99 %.0f ms, first event %.0f ms; the workload itself took %.1f s; JIT compiling meanwhile %,d ms%n",
                result.scenario(), result.events(), result.eventsPerSecond(), result.p50Millis(), result.p99Millis(), result.firstMillis(),
                result.workloadSeconds(), result.jitMillis());
    }
}
