package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.restore.testing.TwoTenantWorkload;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.DataKey;
import dev.strata.schemas.crypto.DataKeyId;
import dev.strata.schemas.crypto.DataKeys;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.SealedBody;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoredObject;
import dev.strata.sink.erasure.TombstoneWatch;
import dev.strata.sink.segment.RotationPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasure of a whole tenant on real servers: alpha and beta backed up with sealed bodies (segments and a base) into both
 * Ceph regions, then {@code tenants erase alpha} with the KEY_ADMIN user's keys. Afterwards no body of alpha opens with
 * anything either region still holds, every command refuses alpha with who and when (exit 5), the sink's tombstone watch
 * sees it, and beta restores unchanged.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantErasureIT {
    private static final long START = RestoreTime.parse("2026-11-21T09:30:00Z");
    private static final String PRIMARY = "erase-primary";
    private static final String BACKUP = "erase-backup";
    private static final TenantId ALPHA = TenantId.of("alpha");

    private LocalPostgres postgres;
    private LocalObjectStores stores;
    private Path config;
    private Path hostileConfig;
    private long end;
    private Map<String, String> betaAtEnd;

    @BeforeAll
    void backUpTwoTenantsSealed(LocalPostgres pg, LocalObjectStores objectStores) throws Exception {
        postgres = pg;
        stores = objectStores;
        pg.createDatabase("erase_source");
        List<ChangeEvent> events;
        try (Connection source = connect("erase_source"); Connection sums = connect("erase_source")) {
            TwoTenantWorkload.createSchema(source);
            CaptureSimulator capture = new CaptureSimulator(source);
            TwoTenantWorkload workload = new TwoTenantWorkload(7);
            Random random = new Random(3);
            long commitTs = START;
            for (int i = 0; i < 60; i++) {
                commitTs += 5_000_000L + random.nextInt(20_000_000);
                workload.transaction(capture, commitTs, i % 2 == 0 ? "alpha" : "beta");
            }
            end = commitTs;
            betaAtEnd = TwoTenantWorkload.checksums(sums, "beta");
            events = capture.events();
        }
        stores.primary().createLockedBucket(PRIMARY);
        stores.backup().createLockedBucket(BACKUP);
        try (ObjectStore primary = LocalStores.writer(stores.primary(), PRIMARY);
             ObjectStore backup = LocalStores.writer(stores.backup(), BACKUP);
             StoredDataKeys keys = LocalStores.writerKeys(stores, "eu", PRIMARY, BACKUP);
             SinkBackup sink = new SinkBackup(primary, backup, Files.createTempDirectory(LocalStackExtension.workDir(), "erase-sink"),
                     BodySealer.sealing(keys))) {
            RotationPolicy rotation = SinkBackup.flushEvery(Duration.ofMinutes(2));
            sink.write(events, rotation);
            sink.seal(Optional.of(UtcHour.containing(end)));
            sink.base(ALPHA, end, Instant.ofEpochSecond(end / 1_000_000 + 60));
        }
        Properties props = LocalStores.regime("eu", stores.primary(), PRIMARY, stores.backup(), BACKUP);
        props.setProperty(ToolConfig.REGIMES, "eu");
        props.setProperty("strata.regime.eu.kek.file", stores.kekFile("eu").toString());
        for (String side : List.of("primary", "backup")) {
            LocalRegion region = side.equals("primary") ? stores.primary() : stores.backup();
            props.setProperty("strata.regime.eu." + side + "." + ToolConfig.KEY_ADMIN_CREDENTIALS_FILE,
                    region.credentialsFile(StoreRole.KEY_ADMIN).toString());
        }
        config = LocalStores.write(props, LocalStackExtension.workDir());
        // a hostile or mistaken setup: the reader's keys where the key-admin's belong
        for (String side : List.of("primary", "backup")) {
            LocalRegion region = side.equals("primary") ? stores.primary() : stores.backup();
            props.setProperty("strata.regime.eu." + side + "." + ToolConfig.KEY_ADMIN_CREDENTIALS_FILE,
                    region.credentialsFile(StoreRole.READER).toString());
        }
        hostileConfig = LocalStores.write(props, LocalStackExtension.workDir());
    }

    @Test
    @Order(1)
    void refusedWithoutConfirmationOrWithTheReadersKeysAndNothingIsDestroyed() {
        ToolRun unconfirmed = ToolRun.run(config, "tenants", "erase", "alpha");
        assertThat(unconfirmed.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unconfirmed.err()).contains("repeat with --confirm alpha");
        ToolRun wrong = ToolRun.run(config, "tenants", "erase", "alpha", "--confirm", "beta");
        assertThat(wrong.code()).isEqualTo(ExitCodes.BAD_INPUT);

        ToolRun reader = ToolRun.run(hostileConfig, "tenants", "erase", "alpha", "--confirm", "alpha");
        assertThat(reader.code()).as(reader.out() + reader.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(reader.err()).contains("s3:PutObject");

        assertThat(keysOf(ALPHA, stores.primary(), PRIMARY)).isNotEmpty();
        assertThat(keysOf(ALPHA, stores.backup(), BACKUP)).isNotEmpty();
        ToolRun restorable = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", "latest", "--target", "ndjson", "--to",
                LocalStackExtension.workDir().resolve("erase-before-" + System.nanoTime() + ".ndjson").toString());
        assertThat(restorable.code()).as(restorable.err()).isZero();
    }

    @Test
    @Order(2)
    void afterErasureNoBodyOfTheTenantOpensWithAnythingLeftInEitherRegion() throws Exception {
        ToolRun erase = ToolRun.run(config, "tenants", "erase", "alpha", "--confirm", "alpha", "--reason", "contract ended", "--by", "ops");
        assertThat(erase.code()).as(erase.out() + erase.err()).isZero();
        assertThat(erase.out()).contains("tombstone written to both regions of regime eu: strata/v1/erased/alpha.tombstone")
                .containsPattern("destroyed [1-9]\\d* data key\\(s\\) of tenant alpha in bucket 'erase-primary-keys'")
                .containsPattern("destroyed [1-9]\\d* data key\\(s\\) of tenant alpha in bucket 'erase-backup-keys'")
                .contains("Kafka topics");

        KeyEncryptionKey kek = KeyEncryptionKey.fromFile(stores.kekFile("eu"), "the test's key-encryption key");
        List<DataKey> left = new ArrayList<>();
        List<byte[]> leftWrapped = new ArrayList<>();
        for (LocalRegion region : List.of(stores.primary(), stores.backup())) {
            String bucket = (region == stores.primary() ? PRIMARY : BACKUP) + LocalRegion.KEYS_BUCKET_SUFFIX;
            assertThat(keysOf(ALPHA, region, region == stores.primary() ? PRIMARY : BACKUP)).as("alpha's keys in " + bucket).isEmpty();
            try (ObjectStore keyStore = keyStoreReader(region, bucket)) {
                for (ObjectKey key : keyStore.listAll(BackupLayout.keyOf(BackupLayout.ROOT + "keys/"), Optional.empty()).map(ListedObject::key).toList()) {
                    String[] steps = key.value().split("/");
                    TenantId owner = TenantId.of(steps[3]);
                    byte[] wrapped = keyStore.get(key).orElseThrow().bytes();
                    leftWrapped.add(wrapped);
                    left.add(kek.unwrap(owner, new DataKeyId(KeyStoreLayout.keyIdOf(owner, key).orElseThrow()), wrapped));
                }
            }
        }
        assertThat(left).as("beta's keys remain").isNotEmpty().allMatch(k -> k.tenant().value().equals("beta"));

        int bodies = 0;
        try (ObjectStore reader = LocalStores.reader(stores.primary(), PRIMARY);
             ObjectStore readerBackup = LocalStores.reader(stores.backup(), BACKUP)) {
            for (ObjectStore region : List.of(reader, readerBackup)) {
                List<ObjectKey> objects = region.listAll(BackupLayout.tenantPrefix(ALPHA), Optional.empty()).map(ListedObject::key)
                        .filter(k -> k.value().endsWith(".seg") || k.value().endsWith(".base")).toList();
                for (ObjectKey key : objects) {
                    byte[] stored = region.get(key).map(StoredObject::bytes).orElseThrow();
                    assertThat(SealedBody.isSealed(stored)).as(key.value()).isTrue();
                    bodies++;
                    for (DataKey candidate : left) {
                        DataKeys offering = new DataKeys() {
                            @Override
                            public DataKey sealing(TenantId tenant, Instant contentTime) {
                                return candidate;
                            }

                            @Override
                            public DataKey named(TenantId tenant, DataKeyId id) {
                                return candidate;
                            }
                        };
                        assertThatThrownBy(() -> SealedBody.open(offering, ALPHA, key.value(), stored)).as(key + " with " + candidate)
                                .isInstanceOf(RuntimeException.class);
                    }
                    for (byte[] wrapped : leftWrapped) {
                        // nor does any wrapped key left pass for one of alpha's under the key-encryption key
                        assertThatThrownBy(() -> kek.unwrap(ALPHA, new DataKeyId("202611-00000000"), wrapped)).isInstanceOf(RuntimeException.class);
                    }
                }
            }
        }
        assertThat(bodies).as("segments and base tables of alpha in both regions").isGreaterThan(4);
        assertThat(bodies).isEven();
    }

    @Test
    @Order(3)
    void everyCommandRefusesTheErasedTenantWithWhoAndWhenAndTheOtherRestoresUnchanged() throws SQLException {
        String erased = "tenant alpha was erased at ";
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "alpha", "--until", RestoreTime.format(end), "--target", "ndjson",
                "--to", LocalStackExtension.workDir().resolve("erased-" + System.nanoTime() + ".ndjson").toString());
        assertThat(replay.code()).isEqualTo(ExitCodes.ERASED);
        assertThat(replay.err()).startsWith("erased: " + erased).contains("by ops (contract ended)");
        for (String[] command : List.of(new String[] {"verify", "--tenant", "alpha"},
                new String[] {"history", "--tenant", "alpha", "--table", "public.accounts", "--key", "id=1"},
                new String[] {"rollback", "--tenant", "alpha", "--until", RestoreTime.format(end), "--to", postgres.jdbcUrl("erase_source"),
                    "--dry-run"})) {
            ToolRun r = ToolRun.run(config, command);
            assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isEqualTo(ExitCodes.ERASED);
            assertThat(r.err()).contains(erased);
        }
        ToolRun points = ToolRun.run(config, "list", "points", "--tenant", "alpha");
        assertThat(points.code()).as(points.err()).isZero();
        assertThat(points.out()).contains("ERASED: " + erased).contains("no point can be restored");
        ToolRun tenants = ToolRun.run(config, "list", "tenants");
        assertThat(tenants.out()).containsPattern("alpha .*ERASED").doesNotContainPattern("beta .*ERASED");

        try (ObjectStore primary = LocalStores.writer(stores.primary(), PRIMARY); ObjectStore backup = LocalStores.writer(stores.backup(), BACKUP)) {
            TombstoneWatch sinkView = new TombstoneWatch(primary, backup);
            sinkView.refresh();
            assertThat(sinkView.erased("alpha")).as("the sink's view with the writer's keys").isTrue();
            assertThat(sinkView.erased("beta")).isFalse();
            // a sink that needs a new key for alpha (a new month, or a partition it just took over) creates none: one created
            // after the erasure's listing would outlive it
            Instant nextMonth = Instant.now().plus(Duration.ofDays(40));
            try (StoredDataKeys sinkKeys = LocalStores.writerKeys(stores, "eu", PRIMARY, BACKUP,
                    tenant -> Tombstones.listedIn(List.of(primary, backup), tenant))) {
                assertThatThrownBy(() -> sinkKeys.sealing(TenantId.of("alpha"), nextMonth)).isInstanceOf(DataKeyUnavailableException.class)
                        .hasMessageContaining("tenant alpha of regime eu was erased");
                assertThat(sinkKeys.sealing(TenantId.of("beta"), nextMonth).tenant()).isEqualTo(TenantId.of("beta"));
            }
            assertThat(keysOf(TenantId.of("alpha"), stores.primary(), PRIMARY)).isEmpty();
            assertThat(keysOf(TenantId.of("alpha"), stores.backup(), BACKUP)).isEmpty();
        }

        postgres.createDatabase("erase_beta");
        ToolRun beta = ToolRun.run(config, "replay", "--tenant", "beta", "--until", RestoreTime.format(end), "--to", postgres.jdbcUrl("erase_beta"));
        assertThat(beta.code()).as(beta.err()).isZero();
        try (Connection c = connect("erase_beta")) {
            assertThat(TwoTenantWorkload.checksums(c, "beta")).isEqualTo(betaAtEnd);
        }

        ToolRun again = ToolRun.run(config, "tenants", "erase", "alpha", "--confirm", "alpha", "--by", "someone else");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("tombstone already present").contains("by ops (contract ended)")
                .contains("destroyed 0 data key(s) of tenant alpha");
    }

    private static List<ObjectKey> keysOf(TenantId tenant, LocalRegion region, String bucket) {
        try (ObjectStore keyStore = keyStoreReader(region, bucket + LocalRegion.KEYS_BUCKET_SUFFIX)) {
            return keyStore.listAll(KeyStoreLayout.tenantPrefix(tenant), Optional.empty()).map(ListedObject::key).toList();
        }
    }

    /** A key store bucket as restore reads it: unversioned, so plain latest reads, with the reader's keys. */
    private static ObjectStore keyStoreReader(LocalRegion region, String bucket) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.READER)), VersionPolicy.LATEST_VERSION);
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(db), postgres.user(), postgres.password());
    }
}
