package dev.strata.restore;

import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tool's configuration file: Kafka for placements, dead letters, status and the Kafka target;
 * per regime the two regions' buckets with READER credentials (DESIGN.md section 9).
 */
public final class ToolConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** The regimes of this deployment; a placement must name one of them. */
    public static final String REGIMES = "strata.regimes";
    public static final String PRIMARY = RegionSettings.PRIMARY;
    public static final String BACKUP = RegionSettings.BACKUP;
    /** Per region, beside the reader's: the drill user's keys (reads, and puts under strata/v1/drills/ only). */
    public static final String DRILL_CREDENTIALS_FILE = "drill.credentials.file";
    /** Drills: a database on the server where scratch databases are created and dropped. */
    public static final String DRILL_POSTGRES_URL = "strata.drill.postgres.url";
    public static final String DRILL_POSTGRES_USER = "strata.drill.postgres.user";
    public static final String DRILL_POSTGRES_USER_DEFAULT = "postgres";
    /** A file holding the drill role's password; none: the server trusts the connection. */
    public static final String DRILL_POSTGRES_PASSWORD_FILE = "strata.drill.postgres.password.file";
    public static final String DRILL_TENANT_COLUMN = "strata.drill.tenant.column";
    public static final String DRILL_TENANT_COLUMN_DEFAULT = "tenant_id";
    /**
     * The longest commit-time span of one segment the sink may write. A listing that starts at a
     * base cut starts this much earlier, since segment keys sort by their FIRST commit time. The
     * sink keeps the layout's bound; raise this only for segments written by another writer.
     */
    public static final String MAX_SEGMENT_SPAN_MS = "strata.restore.max.segment.span.ms";
    public static final Duration MAX_SEGMENT_SPAN_DEFAULT = BackupLayout.MAX_SEGMENT_COMMIT_SPAN;
    /** Segments fetched and decoded at once. */
    public static final String READERS = "strata.restore.readers";
    public static final int READERS_DEFAULT = 3;

    private static final Pattern REGIME_KEY = Pattern.compile(Pattern.quote(RegimeSettings.PREFIX) + "([^.]+)\\..*");

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

    /**
     * The regimes whose stores are configured: {@value #REGIMES} when set, else every regime named
     * by a {@code strata.regime.<r>.} key (a restore host may be given one regime's keys only).
     */
    public Set<String> storeRegimes() {
        if (!properties.getProperty(REGIMES, "").isBlank()) {
            return regimes();
        }
        Set<String> found = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher m = REGIME_KEY.matcher(key);
            if (m.matches()) {
                found.add(m.group(1));
            }
        }
        if (found.isEmpty()) {
            throw new BadInputException("config: no store is configured: set " + RegimeSettings.PREFIX + "<regime>.primary.endpoint, .bucket,"
                    + " .region and .credentials.file (reader keys), and the same for .backup");
        }
        return found;
    }

    /** One region's bucket of {@code regime} with the READER's keys; {@code region} is {@value #PRIMARY} or {@value #BACKUP}. */
    public RegionSettings store(String regime, String region) {
        try {
            return RegimeSettings.withCredentials(properties, regime, region, "READER");
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config: " + e.getMessage());
        }
    }

    /** The drill user's key file of one region of {@code regime}. */
    public Path drillCredentials(String regime, String region) {
        String key = RegimeSettings.key(regime, region, DRILL_CREDENTIALS_FILE);
        return Path.of(required(key, "the path of a properties file with the DRILL user's access.key.id and secret.access.key"
                + " (it may write drill reports only; the reader's keys cannot)"));
    }

    public String drillPostgresUrl() {
        return required(DRILL_POSTGRES_URL, "a database where scratch databases may be created, e.g. jdbc:postgresql://host:5432/postgres");
    }

    public String drillPostgresUser() {
        return properties.getProperty(DRILL_POSTGRES_USER, DRILL_POSTGRES_USER_DEFAULT).trim();
    }

    /** Null when not set. */
    public Path drillPostgresPasswordFile() {
        String value = properties.getProperty(DRILL_POSTGRES_PASSWORD_FILE, "").trim();
        return value.isEmpty() ? null : Path.of(value);
    }

    public String drillTenantColumn() {
        return properties.getProperty(DRILL_TENANT_COLUMN, DRILL_TENANT_COLUMN_DEFAULT).trim();
    }

    public Duration maxSegmentSpan() {
        return Duration.ofMillis(positiveLong(MAX_SEGMENT_SPAN_MS, MAX_SEGMENT_SPAN_DEFAULT.toMillis()));
    }

    public int readers() {
        return Math.toIntExact(Math.min(64, positiveLong(READERS, READERS_DEFAULT)));
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

    private String required(String key, String what) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new BadInputException("config: " + key + " is missing: set it to " + what);
        }
        return value.trim();
    }

    private long positiveLong(String key, long defaultValue) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("config: " + key + " is '" + value + "': use a positive whole number (default " + defaultValue + ")");
    }
}
