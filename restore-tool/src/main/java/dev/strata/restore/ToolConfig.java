package dev.strata.restore;

import dev.strata.schemas.config.ParsedConfig;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.retention.RetentionKeys;
import dev.strata.schemas.retention.RetentionPolicies;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.layout.BackupLayout;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import dev.strata.schemas.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Properties;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.keystore.KeyStores;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tool's configuration file: Kafka for placements, dead letters, status and the Kafka target;
 * per regime the two regions' buckets with READER credentials (DESIGN.md section 9). Types, ranges
 * and meanings of the keys are in {@link ToolConfigDef}; the file is checked when it is read
 * (unknown keys, types, ranges), and each command then asks for the keys it needs.
 */
public final class ToolConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGIMES = "strata.regimes";
    public static final String PRIMARY = RegionSettings.PRIMARY;
    public static final String BACKUP = RegionSettings.BACKUP;
    /** Per region, beside the reader's: the drill user's keys (reads, and puts under strata/v1/drills/ only). */
    public static final String DRILL_CREDENTIALS_FILE = "drill.credentials.file";
    /** Per region, beside the reader's: the expire user's keys (lists, reads, deletes versions; never puts). */
    public static final String EXPIRE_CREDENTIALS_FILE = "expire.credentials.file";
    /** Per region, beside the reader's: the ledger user's keys (reads, and puts under strata/v1/ledger/ only). */
    public static final String LEDGER_CREDENTIALS_FILE = "ledger.credentials.file";
    /**
     * Per region, beside the reader's: the key-admin user's keys (deletes data keys in the key store bucket, puts erasure
     * tombstones under strata/v1/erased/ only).
     */
    public static final String KEY_ADMIN_CREDENTIALS_FILE = "key-admin.credentials.file";
    public static final String DRILL_POSTGRES_URL = "strata.drill.postgres.url";
    public static final String DRILL_POSTGRES_USER = "strata.drill.postgres.user";
    public static final String DRILL_POSTGRES_USER_DEFAULT = "postgres";
    public static final String DRILL_POSTGRES_PASSWORD_FILE = "strata.drill.postgres.password.file";
    public static final String DRILL_TENANT_COLUMN = "strata.drill.tenant.column";
    public static final String DRILL_TENANT_COLUMN_DEFAULT = "tenant_id";
    public static final String MAX_EVENT_BYTES = KafkaSizeLimits.MAX_EVENT_BYTES;
    public static final int MAX_EVENT_BYTES_DEFAULT = KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT;
    public static final String MAX_SEGMENT_SPAN_MS = "strata.restore.max.segment.span.ms";
    public static final Duration MAX_SEGMENT_SPAN_DEFAULT = BackupLayout.MAX_SEGMENT_COMMIT_SPAN;
    public static final String READERS = "strata.restore.readers";
    public static final int READERS_DEFAULT = 3;
    public static final int READERS_MAX = 64;
    public static final String LOAD_SESSIONS = "strata.restore.load.sessions";
    /** A COPY keeps one server core busy: two sessions load about twice as fast where the server has the cores. */
    public static final int LOAD_SESSIONS_DEFAULT = 2;
    public static final int LOAD_SESSIONS_MAX = 16;

    private static final Pattern REGIME_KEY = Pattern.compile(Pattern.quote(RegimeSettings.PREFIX) + "([^.]+)\\..*");

    private final Properties properties;
    private final ParsedConfig parsed;

    private ToolConfig(Properties properties) {
        this.properties = new Properties();
        this.properties.putAll(properties);
        try {
            this.parsed = ToolConfigDef.SPEC.parse(this.properties);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    public static ToolConfig of(Properties properties) {
        return new ToolConfig(properties);
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
        return required(BOOTSTRAP_SERVERS);
    }

    public Set<String> regimes() {
        required(REGIMES);
        return new LinkedHashSet<>(parsed.list(REGIMES));
    }

    /**
     * The regimes whose stores are configured: {@value #REGIMES} when set, else every regime named
     * by a {@code strata.regime.<r>.} key (a restore host may be given one regime's keys only).
     */
    public Set<String> storeRegimes() {
        if (parsed.isSet(REGIMES)) {
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

    /**
     * What opens the regime's sealed bodies: its key store read with the READER's keys and the regime's key-encryption
     * key ({@code strata.regime.<r>.kek.file}). Without that file, bodies written before sealing still read, and a
     * sealed one is refused naming the key to set.
     */
    public BodySealer bodies(String regime) {
        if (KeyStores.kekFile(properties, regime).isEmpty()) {
            return BodySealer.withoutKeys("restore-tool has no key for regime " + regime + ": set "
                    + RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE) + " to the file of its key-encryption key (the"
                    + " one the regime's sink reads)");
        }
        try {
            return BodySealer.sealing(KeyStores.open(properties, store(regime, PRIMARY), store(regime, BACKUP), KeyRotation.DEFAULT, false));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config: " + e.getMessage());
        }
    }

    /** The drill user's key file of one region of {@code regime}. */
    public Path drillCredentials(String regime, String region) {
        return roleCredentials(regime, region, DRILL_CREDENTIALS_FILE, "DRILL", "it may write drill reports only; the reader's keys cannot");
    }

    /** The ledger user's key file of one region of {@code regime}: only {@code erasures add} writes with it. */
    public Path ledgerCredentials(String regime, String region) {
        return roleCredentials(regime, region, LEDGER_CREDENTIALS_FILE, "LEDGER",
                "it may write erasure ledger entries only; the reader's keys cannot");
    }

    /** Where one region's key store bucket of {@code regime} is ({@code keys.bucket}, default the region's bucket plus -keys). */
    public StoreLocation keyStore(String regime, String region) {
        return KeyStores.location(properties, store(regime, region));
    }

    /** The key-admin user's key file of one region of {@code regime}: only {@code tenants erase} uses it. */
    public Path keyAdminCredentials(String regime, String region) {
        return roleCredentials(regime, region, KEY_ADMIN_CREDENTIALS_FILE, "KEY_ADMIN",
                "it may destroy data keys and write erasure tombstones only; the reader's keys cannot");
    }

    /** The expire user's key file of one region of {@code regime}. */
    public Path expireCredentials(String regime, String region) {
        return roleCredentials(regime, region, EXPIRE_CREDENTIALS_FILE, "EXPIRE",
                "it may delete object versions whose retention passed; the reader's keys cannot delete");
    }

    /** A region's key file of a user other than the reader; missing, the error names the key, the user and its rights. */
    private Path roleCredentials(String regime, String region, String setting, String user, String rights) {
        String key = RegimeSettings.key(regime, region, setting);
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            throw new BadInputException("config: " + key + " is missing: set it to the path of a properties file with the " + user
                    + " user's access.key.id and secret.access.key (" + rights + ")");
        }
        return Path.of(value);
    }

    /** The retention policies, the same keys the regime's sink reads. */
    public RetentionPolicies retention() {
        try {
            return RetentionKeys.read(parsed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config: " + e.getMessage());
        }
    }

    public String drillPostgresUrl() {
        return required(DRILL_POSTGRES_URL);
    }

    public String drillPostgresUser() {
        return parsed.string(DRILL_POSTGRES_USER);
    }

    /** Null when not set. */
    public Path drillPostgresPasswordFile() {
        String value = parsed.string(DRILL_POSTGRES_PASSWORD_FILE);
        return value == null ? null : Path.of(value);
    }

    public String drillTenantColumn() {
        return parsed.string(DRILL_TENANT_COLUMN);
    }

    public Duration maxSegmentSpan() {
        return parsed.millis(MAX_SEGMENT_SPAN_MS);
    }

    /** The Kafka limits of the clients that carry changes: redrive and the Kafka target. */
    public KafkaSizeLimits sizeLimits() {
        return new KafkaSizeLimits(parsed.intValue(MAX_EVENT_BYTES));
    }

    public int readers() {
        return parsed.intValue(READERS);
    }

    /** Sessions a restore into PostgreSQL loads the tables it creates over. */
    public int loadSessions() {
        return parsed.intValue(LOAD_SESSIONS);
    }

    /** Kafka client settings: every key that is not Strata's own. */
    public Properties kafka() {
        Properties kafka = parsed.passThrough();
        kafka.setProperty(BOOTSTRAP_SERVERS, bootstrapServers());
        return kafka;
    }

    /** A key this command needs; refused, naming the key and an example, when the file lacks it. */
    private String required(String key) {
        if (!parsed.isSet(key)) {
            throw new BadInputException(ToolConfigDef.SPEC.missing(key).getMessage());
        }
        return properties.getProperty(key).trim();
    }
}
