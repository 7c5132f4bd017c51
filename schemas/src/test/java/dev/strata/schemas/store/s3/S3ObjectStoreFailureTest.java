package dev.strata.schemas.store.s3;

import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How S3ObjectStore classes network failures, over real sockets on loopback. RGW cannot be made to
 * hang or fail on demand, so a tiny HTTP server plays the part of a server that took a PUT and
 * never answered; everything else about the store is proven against RGW in S3ObjectStoreIT.
 */
class S3ObjectStoreFailureTest {

    private static final StoreTimeouts SHORT = new StoreTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(6));
    private static final StoreCredentials CREDENTIALS = StoreCredentials.of("AKIDTEST", "not-a-real-secret-0123456789");
    private static final ObjectKey KEY = BackupLayout.segment(new SegmentKey(TenantId.of("acme"), 0, 0, 0, 0, 0));
    private static final byte[] BYTES = "segment".getBytes(StandardCharsets.UTF_8);

    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void anEndpointNobodyListensOnIsUnavailableAndNamed() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.putIfAbsent(KEY, BYTES, Sha256.of(BYTES)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("cannot connect to http://127.0.0.1:" + port)
                    .hasMessageContaining(KEY.value())
                    .hasMessageContaining("bucket 'strata-test'");
            assertThatThrownBy(() -> store.list(BackupLayout.allTenantsPrefix(), java.util.Optional.empty(), 10))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void aPutThatGetsNoAnswerHasAnUnknownOutcome() throws IOException {
        int port = serve(exchange -> {
            if (exchange.getRequestMethod().equals("HEAD")) {
                answer(exchange, 404, null);
            } else {
                exchange.getRequestBody().readAllBytes();
                sleep(Duration.ofSeconds(8)); // took the PUT, never answers
            }
        });
        try (S3ObjectStore store = open(port)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.putIfAbsent(KEY, BYTES, Sha256.of(BYTES)))
                    .isInstanceOf(UnknownOutcomeException.class)
                    .hasMessageContaining("PUT " + KEY.value())
                    .hasMessageContaining("may or may not be stored");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void aServerErrorOnPutHasAnUnknownOutcomeButAReadErrorIsAFailure() throws IOException {
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("HEAD")) {
                answer(exchange, 404, null);
            } else {
                answer(exchange, 500, "InternalError");
            }
        });
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.putIfAbsent(KEY, BYTES, Sha256.of(BYTES)))
                    .isInstanceOf(UnknownOutcomeException.class).hasMessageContaining("server error 500 InternalError");
            assertThatThrownBy(() -> store.get(KEY))
                    .isInstanceOfSatisfying(StoreRequestFailedException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        }
    }

    @Test
    void accessDeniedNamesTheOperationThePermissionAndTheFix() throws IOException {
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("HEAD")) {
                answer(exchange, 404, null);
            } else {
                answer(exchange, 403, "AccessDenied");
            }
        });
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.putIfAbsent(KEY, BYTES, Sha256.of(BYTES)))
                    .isInstanceOf(StoreAccessDeniedException.class)
                    .hasMessageContaining("PUT " + KEY.value() + " in bucket 'strata-test' at http://127.0.0.1:" + port)
                    .hasMessageContaining("403 AccessDenied")
                    .hasMessageContaining("s3:PutObject")
                    .hasMessageContaining("reader's key may not")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(CREDENTIALS.secretAccessKey()));
        }
    }

    @Test
    void aBodyCutOffMidWayIsReadAgain() throws IOException {
        byte[] body = new byte[200_000];
        new Random(3).nextBytes(body);
        AtomicInteger gets = new AtomicInteger();
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            if (gets.incrementAndGet() % 2 == 1) {
                // half of what the header promised, then the connection closes (the server's stream refuses the close)
                exchange.getResponseBody().write(body, 0, body.length / 2);
                exchange.getResponseBody().flush();
                return;
            }
            exchange.getResponseBody().write(body);
        });
        try (S3ObjectStore store = open(port)) {
            assertThat(store.get(KEY).orElseThrow().bytes()).isEqualTo(body);
            assertThat(gets).hasValue(2);
        }
    }

    @Test
    void aBodyCutOffEveryTimeIsSaidToBeCutOffNotUnanswered() throws IOException {
        byte[] body = new byte[200_000];
        AtomicInteger gets = new AtomicInteger();
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            gets.incrementAndGet();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body, 0, body.length / 2);
            exchange.getResponseBody().flush();
        });
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.get(KEY))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("the answer from http://127.0.0.1:" + port + " was cut off")
                    .hasMessageNotContaining("no answer");
            assertThat(gets.get()).isGreaterThan(1); // the SDK read it again before giving up
        }
    }

    @Test
    void aBodyTooLargeForMemoryIsRefusedOnceWithTheFix() throws IOException {
        AtomicInteger gets = new AtomicInteger();
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            gets.incrementAndGet();
            exchange.sendResponseHeaders(200, 3L << 30); // declared, never sent
        });
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.get(KEY))
                    .isInstanceOf(StoreRequestFailedException.class)
                    .hasMessageContaining("is 3221225472 bytes, more than one read holds in memory")
                    .hasMessageContaining("read it to a file instead")
                    .hasMessageNotContaining("no answer");
            assertThat(gets).hasValue(1);
        }
    }

    @Test
    void aLocalFileThatCannotBeWrittenIsTheDisksFailureNotTheStores() throws IOException {
        AtomicInteger gets = new AtomicInteger();
        int port = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            gets.incrementAndGet();
            exchange.sendResponseHeaders(200, BYTES.length);
            exchange.getResponseBody().write(BYTES);
        });
        Path target = Files.createTempDirectory("strata-no-dir").resolve("missing").resolve("object");
        try (S3ObjectStore store = open(port)) {
            assertThatThrownBy(() -> store.getToFile(KEY, target))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("reading object " + KEY.value())
                    .hasMessageContaining("cannot write the local file " + target)
                    .hasMessageContaining("free or fix that disk")
                    .hasMessageNotContaining("endpoint");
            assertThat(gets).hasValue(1);
        }
    }

    private S3ObjectStore open(int port) {
        return S3ObjectStore.open(new StoreLocation(URI.create("http://127.0.0.1:" + port), "strata-test", "us-east-1"),
                CREDENTIALS, VersionPolicy.LATEST_VERSION, SHORT);
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private int serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String code) throws IOException {
        if (code == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
