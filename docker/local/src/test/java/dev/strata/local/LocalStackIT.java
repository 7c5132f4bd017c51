package dev.strata.local;

import dev.strata.local.process.Elapsed;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.LogTail;
import dev.strata.local.process.PidFiles;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo main in a child JVM, checks what it writes, then SIGKILLs that JVM: no shutdown
 * hook runs, so only the watchdogs can stop its broker, postmaster and Ceph daemons.
 */
class LocalStackIT {
    private static final Duration START_DEADLINE = Duration.ofSeconds(180);
    private static final Duration ORPHAN_DEADLINE = Duration.ofSeconds(45);

    @Test
    void writesAddressesWithoutSecretsAndLeavesNoOrphansWhenKilled() throws Exception {
        Path work = LocalStackExtension.workDir().toAbsolutePath().resolve("local-stack-it-" + ProcessHandle.current().pid());
        InstanceDir.deleteTree(work);
        Files.createDirectories(work);
        Path properties = work.resolve("local.properties");
        Path output = work.resolve("local-stack.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-D" + LocalStackExtension.WORK_DIR_PROPERTY + "=" + work,
                "-cp", System.getProperty("java.class.path"), LocalStack.class.getName(), properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            awaitFile(child, properties, output);
            Properties written = load(properties);
            assertThat(written).containsKeys("strata.local.kafka.bootstrap.servers", "strata.local.postgres.jdbc.url",
                    "strata.local.s3.primary.endpoint", "strata.local.s3.backup.endpoint",
                    "strata.local.s3.primary.region", "strata.local.s3.backup.writer.credentials.file");
            String writtenText = Files.readString(properties, StandardCharsets.UTF_8);
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            for (String name : written.stringPropertyNames()) {
                if (name.endsWith(".credentials.file")) {
                    AccessKey key = CredentialsFile.read(Path.of(written.getProperty(name)));
                    assertThat(writtenText).doesNotContain(key.secretAccessKey());
                    assertThat(printed).doesNotContain(key.secretAccessKey());
                }
            }
            List<ProcessHandle> servers = serverProcesses(work);
            // a broker, a postmaster, and mon + osd + radosgw in each of the two regions
            assertThat(servers).hasSize(8);

            child.destroyForcibly().waitFor();

            awaitGone(servers);
            assertThat(leftovers(work)).as("server directories left in %s", work).isEmpty();
        } finally {
            child.destroyForcibly();
        }
        InstanceDir.deleteTree(work);
    }

    private static void awaitFile(Process child, Path file, Path output) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (!Files.exists(file)) {
            assertThat(child.isAlive()).as("LocalStack exited early:\n%s", LogTail.of(output, 40)).isTrue();
            assertThat(waiting.exceeds(START_DEADLINE)).as("LocalStack not up:\n%s", LogTail.of(output, 40)).isFalse();
            Thread.sleep(100);
        }
    }

    private static List<ProcessHandle> serverProcesses(Path work) throws IOException {
        try (Stream<Path> files = Files.find(work, 6, (path, attrs) -> path.toString().endsWith(".pid"))) {
            return files.map(PidFiles::process).flatMap(Optional::stream).toList();
        }
    }

    private static void awaitGone(List<ProcessHandle> servers) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (servers.stream().anyMatch(PidFiles::isRunning) && !waiting.exceeds(ORPHAN_DEADLINE)) {
            Thread.sleep(100);
        }
        assertThat(servers.stream().filter(PidFiles::isRunning).map(p -> p.pid() + " " + p.info().command().orElse("?")))
                .as("processes that outlived their killed JVM").isEmpty();
        System.out.println("LocalStackIT: all 8 server processes gone " + waiting + " after the JVM was killed");
    }

    private static List<Path> leftovers(Path work) throws IOException, InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (true) {
            try (Stream<Path> entries = Files.list(work)) {
                List<Path> dirs = entries.filter(Files::isDirectory).toList();
                if (dirs.isEmpty() || waiting.exceeds(Duration.ofSeconds(10))) {
                    return dirs;
                }
            }
            Thread.sleep(100);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }
}
