package dev.strata.local;

import dev.strata.local.process.Elapsed;
import dev.strata.local.process.ExitHook;
import dev.strata.local.process.ExternalCommand;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.LogTail;
import dev.strata.local.process.Watchdog;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node KRaft Kafka (broker and controller in one process) on a free loopback port.
 *
 * <p>The broker runs as a child {@code java} process from the jars that module strata-kafka-broker
 * resolved, so no broker jar (Scala, server internals, log4j-core) lands on a test classpath. It
 * runs under a {@link Watchdog}: if this JVM dies, the broker dies too.
 */
public final class LocalKafka implements AutoCloseable {
    private static final String KIND = "kafka";
    private static final int START_ATTEMPTS = 3;
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    /** JVM options added to the broker's, space-separated: the test suite's leaner JIT; benchmarks leave it unset. */
    public static final String JVM_OPTIONS_PROPERTY = "strata.local.kafka.jvm.options";

    private final Process watchdogShell;
    private final Path dir;
    private final String bootstrapServers;
    private final ExitHook exitHook;
    private boolean closed;

    private LocalKafka(Process watchdogShell, Path dir, String bootstrapServers) {
        this.watchdogShell = watchdogShell;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
        this.exitHook = ExitHook.register("local-kafka", this::close);
    }

    /** Starts a fresh broker in a new directory under {@code workDir}; blocks until it serves metadata. */
    public static LocalKafka start(Path workDir) {
        Elapsed elapsed = Elapsed.start();
        InstanceDir.reapStale(workDir, KIND);
        String classpath = BrokerClasspath.read();
        for (int attempt = 1; ; attempt++) {
            Path dir = InstanceDir.create(workDir, KIND);
            try {
                LocalKafka kafka = launch(dir, classpath);
                System.out.println("LocalKafka: KRaft broker on " + kafka.bootstrapServers + " ready in " + elapsed);
                return kafka;
            } catch (PortTakenException e) {
                // another process took a port between our probe and the broker's bind
                InstanceDir.deleteTree(dir);
                if (attempt == START_ATTEMPTS) {
                    throw new IllegalStateException("LocalKafka: ports kept being taken, gave up after " + attempt + " attempts", e);
                }
            } catch (RuntimeException e) {
                InstanceDir.deleteTree(dir); // its logs' tail is in the message; a broker that exited left the directory
                throw e;
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker (SIGTERM through the watchdog, SIGKILL after 30 s) and deletes its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        exitHook.cancel();
        exitedOnItsOwn(watchdogShell, dir, bootstrapServers).ifPresent(System.out::println);
        Elapsed elapsed = Elapsed.start();
        stop(watchdogShell);
        InstanceDir.deleteTree(dir);
        System.out.println("LocalKafka: broker on " + bootstrapServers + " stopped in " + elapsed);
    }

    /**
     * What to say when the broker had exited before anyone stopped it: a test then fails on a timeout far from the cause,
     * and its directory, with the broker's logs, goes at close. The watchdog shell's status is the broker's.
     */
    static Optional<String> exitedOnItsOwn(Process watchdogShell, Path dir, String bootstrapServers) {
        if (watchdogShell.isAlive()) {
            return Optional.empty();
        }
        int status = watchdogShell.exitValue();
        return Optional.of("LocalKafka: the broker on " + bootstrapServers + " had exited before it was stopped, status " + status
                + (status > 128 ? " (killed by signal " + (status - 128) + ")" : "") + "; its logs:\n"
                + logs(dir));
    }

    /** The last lines of the broker's stdout and of its server.log. */
    private static String logs(Path dir) {
        return LogTail.of(dir.resolve("stdout.log"), 40) + "\n" + LogTail.of(dir.resolve("server.log"), 40);
    }

    private static List<String> extraJvmOptions() {
        String options = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    private static LocalKafka launch(Path dir, String classpath) {
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        Path config = dir.resolve("server.properties");
        Path stdout = dir.resolve("stdout.log");
        writeConfig(config, KafkaBrokerConfig.combined(brokerPort, controllerPort, dir.resolve("data")));
        Path argFile = writeJvmArgFile(dir, classpath);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // Formatting is pure start-up work in its own short JVM: C1 only and serial GC start fastest.
        ExternalCommand.of("kafka-storage-format", java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "@" + argFile,
                        "kafka.tools.StorageTool", "format", "-t", randomClusterId(), "-c", config.toString(), "--ignore-formatted")
                .timeout(FORMAT_TIMEOUT)
                .run(dir);

        List<String> broker = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx1g"));
        broker.addAll(extraJvmOptions());
        broker.addAll(List.of("@" + argFile, "kafka.Kafka", config.toString()));
        Process shell;
        try {
            shell = new ProcessBuilder(Watchdog.wrapForeground(broker, dir))
                    .redirectErrorStream(true)
                    .redirectOutput(stdout.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("LocalKafka: cannot start " + java + " for the broker", e);
        }
        String bootstrap = "127.0.0.1:" + brokerPort;
        try {
            awaitReady(shell, brokerPort, bootstrap, dir);
            writeBrokerPid(shell, dir);
            return new LocalKafka(shell, dir, bootstrap);
        } catch (RuntimeException e) {
            stop(shell);
            throw e;
        }
    }

    private static void awaitReady(Process shell, int brokerPort, String bootstrap, Path dir) {
        Elapsed waiting = Elapsed.start();
        // first the TCP listener, quietly: an Admin client would log a warning per refused connection
        while (!FreePorts.isListening(brokerPort)) {
            checkStillStarting(shell, waiting, dir);
            sleep(POLL);
        }
        // then a registered, unfenced broker that answers metadata requests
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // the broker is still registering with its controller
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("LocalKafka: interrupted while waiting for the broker", e);
                }
                checkStillStarting(shell, waiting, dir);
                sleep(POLL);
            }
        }
    }

    private static void checkStillStarting(Process shell, Elapsed waiting, Path dir) {
        if (!shell.isAlive()) {
            String log = logs(dir);
            if (log.contains("Address already in use")) {
                throw new PortTakenException(log);
            }
            throw new IllegalStateException("LocalKafka: the broker exited during start-up\n" + log);
        }
        if (waiting.exceeds(READY_TIMEOUT)) {
            throw new IllegalStateException("LocalKafka: broker not ready after " + READY_TIMEOUT.toSeconds() + " s\n"
                    + LogTail.of(dir.resolve("server.log"), 40));
        }
    }

    private static void stop(Process shell) {
        try {
            shell.getOutputStream().close(); // the watchdog SIGTERMs the broker: a clean shutdown
            if (!shell.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                shell.descendants().forEach(ProcessHandle::destroyForcibly);
                shell.destroyForcibly();
            }
        } catch (IOException e) {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }

    // For InstanceDir.reapStale: a later run kills this broker by it should the watchdog ever fail.
    private static void writeBrokerPid(Process shell, Path dir) {
        shell.children()
                .filter(child -> child.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .ifPresent(broker -> write(dir.resolve("broker.pid"), broker.pid() + "\n"));
    }

    private static void writeConfig(Path file, Properties config) {
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "single-node KRaft broker written by LocalKafka");
        } catch (IOException e) {
            throw new UncheckedIOException("LocalKafka: cannot write " + file, e);
        }
    }

    // An @argfile keeps the 45-jar classpath off the command line, the process list and error messages.
    private static Path writeJvmArgFile(Path dir, String classpath) {
        Path log4j = dir.resolve("log4j2.properties");
        try (InputStream in = LocalKafka.class.getResourceAsStream("kafka-broker-log4j2.properties")) {
            if (in == null) {
                throw new IllegalStateException("LocalKafka: kafka-broker-log4j2.properties missing from strata-local's jar");
            }
            Files.copy(in, log4j);
        } catch (IOException e) {
            throw new UncheckedIOException("LocalKafka: cannot write " + log4j, e);
        }
        Path argFile = dir.resolve("jvm.args");
        write(argFile, String.join("\n",
                "-Dlog4j2.configurationFile=" + quoted(log4j.toString()),
                "-Dkafka.logs.dir=" + quoted(dir.toString()),
                "-cp",
                quoted(classpath)) + "\n");
        return argFile;
    }

    private static String quoted(String value) {
        return "\"" + value + "\"";
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("LocalKafka: cannot write " + file, e);
        }
    }

    // any 16 random bytes, base64url without padding: the 22-character form StorageTool expects;
    // never starting with '-', which its argument parser would take for an option (as Kafka's Uuid does)
    static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("LocalKafka: interrupted while waiting for the broker", e);
        }
    }

    /** The broker could not bind a port we probed as free: worth another attempt with new ports. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String log) {
            super("LocalKafka: a port was taken before the broker bound it\n" + log);
        }
    }
}
