package dev.strata.restore;

import dev.strata.schemas.kafka.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/** The tool's configuration file (reader credentials only; Kafka for placements, dead letters and status). */
public final class ToolConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** The regimes of this deployment; a placement must name one of them. */
    public static final String REGIMES = "strata.regimes";

    private final Properties properties;

    private ToolConfig(Properties properties) {
        this.properties = properties;
    }

    public static ToolConfig of(Properties properties) {
        Properties copy = new Properties();
        copy.putAll(properties);
        return new ToolConfig(copy);
    }

    public static ToolConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new BadInputException("config file " + file + " does not exist: pass --config <path of restore.properties>");
        } catch (IOException e) {
            throw new BadInputException("cannot read config file " + file + ": " + e.getMessage());
        }
        return new ToolConfig(properties);
    }

    public String bootstrapServers() {
        String value = properties.getProperty(BOOTSTRAP_SERVERS);
        if (value == null || value.isBlank()) {
            throw new BadInputException("config: " + BOOTSTRAP_SERVERS + " is missing: set it to the Kafka brokers");
        }
        return value.trim();
    }

    public Set<String> regimes() {
        String value = properties.getProperty(REGIMES, "").trim();
        if (value.isEmpty()) {
            throw new BadInputException("config: " + REGIMES + " is missing: list the deployment's regimes, for example "
                    + REGIMES + "=us,eu");
        }
        Set<String> regimes = new LinkedHashSet<>();
        for (String regime : value.split(",")) {
            regimes.add(Topics.requireRegimeName(regime.trim()));
        }
        return regimes;
    }

    /** Kafka client settings: every key that is not Strata's own. */
    public Properties kafka() {
        Properties kafka = new Properties();
        properties.stringPropertyNames().stream()
                .filter(key -> !key.startsWith("strata."))
                .forEach(key -> kafka.setProperty(key, properties.getProperty(key)));
        kafka.setProperty(BOOTSTRAP_SERVERS, bootstrapServers());
        return kafka;
    }
}
