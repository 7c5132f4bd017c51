package dev.strata.local;

import dev.strata.local.process.Elapsed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local stack for a demo: Kafka, PostgreSQL and the two S3 regions on 127.0.0.1 until Ctrl-C.
 * Writes their addresses to {@code local.properties} (or the path given as the first argument);
 * credentials appear there as file paths, never inline. Each {@code --bucket NAME} creates a
 * versioned Object Lock bucket of that name in both regions before the file is written.
 *
 * <p>How to run it: docker/local/README.md.
 */
public final class LocalStack {
    private LocalStack() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> buckets = new ArrayList<>();
        Path output = Path.of("local.properties").toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--bucket") && i + 1 < args.length) {
                buckets.add(args[++i]);
            } else {
                output = Path.of(args[i]).toAbsolutePath();
            }
        }
        Path workDir = LocalStackExtension.workDir();
        Elapsed elapsed = Elapsed.start();
        List<AutoCloseable> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(started), "local-stack-exit"));

        // Ceph dominates the start; Kafka and PostgreSQL come up meanwhile. Own threads: on 2 cores
        // the common pool has a single worker and would start the servers one after the other.
        ExecutorService starters = Executors.newFixedThreadPool(3);
        CompletableFuture<LocalObjectStores> stores = CompletableFuture.supplyAsync(() -> keep(started, LocalObjectStores.start(workDir)), starters);
        CompletableFuture<LocalKafka> kafka = CompletableFuture.supplyAsync(() -> keep(started, LocalKafka.start(workDir)), starters);
        CompletableFuture<LocalPostgres> postgres = CompletableFuture.supplyAsync(() -> keep(started, LocalPostgres.start(workDir)), starters);
        starters.shutdown();
        try {
            CompletableFuture.allOf(stores, kafka, postgres).join();
        } catch (CompletionException e) {
            System.err.println("LocalStack: start failed: " + e.getCause().getMessage());
            System.exit(1); // the shutdown hook stops whatever did start
        }
        for (String bucket : buckets) {
            stores.join().regions().forEach(region -> region.createLockedBucket(bucket));
        }
        writeProperties(output, kafka.join(), postgres.join(), stores.join());
        System.out.println(String.format(Locale.ROOT, "LocalStack: all servers up in %s; addresses in %s; Ctrl-C stops them",
                elapsed, output));
        System.out.println("  kafka     " + kafka.join().bootstrapServers());
        System.out.println("  postgres  " + postgres.join().jdbcUrl("postgres") + " (user postgres, no password)");
        for (LocalRegion region : stores.join().regions()) {
            System.out.println("  s3 " + String.format(Locale.ROOT, "%-8s", region.name()) + region.endpoint()
                    + " (" + region.signingRegion() + ", credentials in " + region.credentialsFile(StoreRole.WRITER).getParent() + ")");
        }
        new CountDownLatch(1).await();
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> started, T server) {
        synchronized (started) {
            started.add(server);
        }
        return server;
    }

    private static void closeAll(List<AutoCloseable> started) {
        List<AutoCloseable> snapshot;
        synchronized (started) {
            snapshot = new ArrayList<>(started);
        }
        for (AutoCloseable server : snapshot) {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("LocalStack: " + server.getClass().getSimpleName() + " did not close cleanly: " + e.getMessage());
            }
        }
    }

    private static void writeProperties(Path file, LocalKafka kafka, LocalPostgres postgres, LocalObjectStores stores) {
        Properties properties = new Properties();
        properties.setProperty("strata.local.kafka.bootstrap.servers", kafka.bootstrapServers());
        properties.setProperty("strata.local.postgres.jdbc.url", postgres.jdbcUrl("postgres"));
        properties.setProperty("strata.local.postgres.user", postgres.user());
        for (LocalRegion region : stores.regions()) {
            String prefix = "strata.local.s3." + region.name() + ".";
            properties.setProperty(prefix + "endpoint", region.endpoint().toString());
            properties.setProperty(prefix + "region", region.signingRegion());
            for (StoreRole role : StoreRole.values()) {
                String key = prefix + role.name().toLowerCase(Locale.ROOT) + ".credentials.file";
                properties.setProperty(key, region.credentialsFile(role).toString());
            }
        }
        // written aside, then moved: whoever waits for the file never reads half of it
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            properties.store(out, "Strata local stack (LocalStack); valid while it runs");
        } catch (IOException e) {
            throw new UncheckedIOException("LocalStack: cannot write " + partial, e);
        }
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("LocalStack: cannot write " + file, e);
        }
    }
}
