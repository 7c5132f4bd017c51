package dev.strata.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strata.streams.RouterConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker/ cannot run here (no Docker engine), so what can be checked is checked: the compose file
 * parses and names the production shape, every image copies files the build really produced
 * (an integration test: the service modules are packaged by then), and each service is handed
 * only its own credentials.
 */
class ProductionShapeIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(\\S+)\\s+\\S+\\s*$", Pattern.MULTILINE);

    @Test
    void composeNamesEveryServiceOfTheProductionShape() throws IOException {
        JsonNode services = compose().path("services");

        assertThat(names(services)).contains("kafka", "postgres", "capture", "router", "sink-us", "sink-eu", "sink-eu-2",
                "restore-tool", "erasures", "erase-tenant", "move-tenant", "expire-us", "expire-eu", "prometheus", "grafana", "s3-us-primary", "s3-us-backup", "s3-eu-primary", "s3-eu-backup");
        assertThat(services.path("postgres").path("command").toString()).contains("wal_level=logical");
        assertThat(services.path("sink-eu-2").path("command")).as("one regime, one consumer group: the same config file")
                .isEqualTo(services.path("sink-eu").path("command"));
    }

    @Test
    void everyImageCopiesWhatTheBuildProduced() throws IOException {
        List<Path> dockerfiles;
        try (Stream<Path> files = Files.list(DOCKER.resolve("images"))) {
            dockerfiles = files.filter(f -> f.toString().endsWith(".Dockerfile")).sorted().toList();
        }
        assertThat(dockerfiles).hasSize(4);
        for (Path dockerfile : dockerfiles) {
            Matcher copy = COPY.matcher(Files.readString(dockerfile));
            List<String> sources = new ArrayList<>();
            while (copy.find()) {
                sources.add(copy.group(1));
            }
            assertThat(sources).as("%s copies the libraries and the jar", dockerfile.getFileName())
                    .anyMatch(source -> source.endsWith("/target/lib/")).anyMatch(source -> source.endsWith(".jar"));
            for (String source : sources) {
                assertThat(ROOT.resolve(source)).as("%s copies %s, which mvn package must produce", dockerfile.getFileName(), source)
                        .exists();
            }
        }
    }

    @Test
    void theRestoreToolsImageRunsItWithItsOwnJvmOptions() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("images/restore-tool.Dockerfile"));
        assertThat(dockerfile).contains("COPY restore-tool/jvm.options /app/jvm.options").contains("\"@/app/jvm.options\", \"-jar\"");
    }

    @Test
    void everyServiceGetsOnlyItsOwnCredentials() throws IOException {
        JsonNode services = compose().path("services");

        // a regime's key-encryption key goes to its sinks and to restore-tool, never to another regime's sink
        assertThat(secrets(services, "sink-us")).containsExactly("us-writer", "us-kek");
        assertThat(secrets(services, "sink-eu")).containsExactly("eu-writer", "eu-kek");
        assertThat(secrets(services, "sink-eu-2")).as("the regime's second sink: the same writer key and KEK, no other")
                .containsExactly("eu-writer", "eu-kek");
        assertThat(secrets(services, "restore-tool")).containsExactlyInAnyOrder("us-reader", "eu-reader", "us-kek", "eu-kek");
        assertThat(secrets(services, "expire-us")).as("expiry of one regime: its reader and EXPIRE keys, no writer, no other regime")
                .containsExactlyInAnyOrder("us-reader", "us-expire");
        assertThat(secrets(services, "expire-eu")).containsExactlyInAnyOrder("eu-reader", "eu-expire");
        assertThat(secrets(services, "erasures")).as("erasure requests: reader and LEDGER keys, never the writer's")
                .containsExactlyInAnyOrder("us-reader", "eu-reader", "us-ledger", "eu-ledger", "us-kek", "eu-kek");
        assertThat(secrets(services, "erase-tenant")).as("tenant erasure: reader and KEY_ADMIN keys, no writer, no key-encryption key")
                .containsExactlyInAnyOrder("us-reader", "eu-reader", "us-key-admin", "eu-key-admin");
        assertThat(secrets(services, "move-tenant")).as("a tenant's move: readers, key-encryption, ledger and KEY_ADMIN keys, no writer")
                .containsExactlyInAnyOrder("us-reader", "eu-reader", "us-kek", "eu-kek", "us-ledger", "eu-ledger", "us-key-admin",
                        "eu-key-admin");
        assertThat(secrets(services, "router")).isEmpty();
        assertThat(secrets(services, "capture")).containsExactly("postgres-password");
        for (String sink : List.of("sink-us", "sink-eu")) {
            String regime = sink.substring(sink.indexOf('-') + 1);
            Properties config = properties(DOCKER.resolve("config/" + sink + ".properties"));
            assertThat(config.getProperty("strata.regime")).isEqualTo(regime);
            config.stringPropertyNames().stream().filter(k -> k.endsWith(".credentials.file"))
                    .forEach(k -> assertThat(config.getProperty(k)).as(k).isEqualTo("/run/secrets/" + regime + "-writer"));
            assertThat(config.getProperty("strata.regime." + regime + ".kek.file")).isEqualTo("/run/secrets/" + regime + "-kek");
        }
        properties(DOCKER.resolve("config/restore.properties")).forEach((k, v) -> {
            // drills read with the reader's keys and write their reports with the drill keys, nothing else
            if (k.toString().endsWith(".drill.credentials.file")) {
                assertThat(v.toString()).as("restore-tool %s", k).endsWith("-drill");
            } else if (k.toString().endsWith(".expire.credentials.file")) {
                assertThat(v.toString()).as("restore-tool %s", k).endsWith("-expire");
            } else if (k.toString().endsWith(".ledger.credentials.file")) {
                assertThat(v.toString()).as("restore-tool %s", k).endsWith("-ledger");
            } else if (k.toString().endsWith(".key-admin.credentials.file")) {
                assertThat(v.toString()).as("restore-tool %s", k).endsWith("-key-admin");
            } else if (k.toString().endsWith(".credentials.file")) {
                assertThat(v.toString()).as("restore-tool %s", k).endsWith("-reader");
            }
        });
    }

    @Test
    void theRouterConfigIsValid() throws IOException {
        RouterConfig config = RouterConfig.from(properties(DOCKER.resolve("config/router.properties")));

        assertThat(config.regimes()).containsExactlyInAnyOrder("us", "eu");
    }

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> secrets(JsonNode services, String service) {
        List<String> secrets = new ArrayList<>();
        services.path(service).path("secrets").forEach(s -> secrets.add(s.asText()));
        return secrets;
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
