package dev.strata.schemas.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.crypto.DataKey;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.VersionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredDataKeysTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant DEC = Instant.parse("2026-12-05T08:00:00Z");
    private static final KeyEncryptionKey KEK = KeyEncryptionKey.of(new byte[32]);

    private final ObjectStore primary = emptyStore();
    private final ObjectStore backup = emptyStore();

    private static ObjectStore emptyStore() {
        return new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    }

    private StoredDataKeys keys(boolean mayCreate) {
        return new StoredDataKeys("us", primary, backup, KEK, KeyRotation.MONTHLY, mayCreate);
    }

    @Test
    void theSinkCreatesOneKeyPerPeriodInBothRegionsAndAReaderFindsIt() {
        DataKey december = keys(true).sealing(ACME, DEC);
        DataKey again = keys(true).sealing(ACME, DEC.plusSeconds(86_400));
        DataKey january = keys(true).sealing(ACME, Instant.parse("2027-01-01T00:00:00Z"));

        assertThat(again.id()).isEqualTo(december.id());
        assertThat(january.id().period()).isEqualTo("202701");
        assertThat(primary.listAll(KeyStoreLayout.tenantPrefix(ACME), Optional.empty())).hasSize(2);
        assertThat(backup.listAll(KeyStoreLayout.tenantPrefix(ACME), Optional.empty())).hasSize(2);
        DataKey read = keys(false).named(ACME, december.id());
        assertThat(read.id()).isEqualTo(december.id());
    }

    @Test
    void aKeyInThePrimaryAloneIsCompletedInTheBackupBeforeItIsUsed() {
        DataKey made = keys(true).sealing(ACME, DEC);
        var key = KeyStoreLayout.dataKey(ACME, made.id().value());
        byte[] wrapped = primary.get(key).orElseThrow().bytes();
        ObjectStore emptyBackup = emptyStore();
        StoredDataKeys reader = new StoredDataKeys("us", primary, emptyBackup, KEK, KeyRotation.MONTHLY, false);
        assertThatThrownBy(() -> reader.sealing(ACME, DEC)).isInstanceOf(DataKeyUnavailableException.class)
                .hasMessageContaining("may not create");

        DataKey used = new StoredDataKeys("us", primary, emptyBackup, KEK, KeyRotation.MONTHLY, true).sealing(ACME, DEC);

        assertThat(used.id()).isEqualTo(made.id());
        assertThat(emptyBackup.get(key).orElseThrow().bytes()).isEqualTo(wrapped);
        assertThat(Sha256.of(wrapped)).isEqualTo(Sha256.of(emptyBackup.get(key).orElseThrow().bytes()));
    }

    @Test
    void aKeyInNeitherRegionIsUnavailableNamingTheTenantAndTheRegime() {
        DataKey made = keys(true).sealing(ACME, DEC);
        assertThatThrownBy(() -> new StoredDataKeys("us", emptyStore(), emptyStore(), KEK, KeyRotation.MONTHLY,
                false).named(ACME, made.id()))
                .isInstanceOf(DataKeyUnavailableException.class)
                .hasMessageContaining("data key " + made.id() + " of tenant acme is in neither region's key store of regime us");
    }

    /** The regime's backup buckets, where {@code tenants erase} writes the tombstone, and the check the sink makes on them. */
    private final ObjectStore backupBucketPrimary = emptyStore();
    private final ObjectStore backupBucketBackup = emptyStore();
    private final ErasureCheck tombstones = tenant -> Tombstones.listedIn(List.of(backupBucketPrimary, backupBucketBackup), tenant);

    private void eraseAcme() {
        byte[] json = new TenantTombstone(ACME, "us", "2026-12-05T08:00:00.000000Z", "ops", "contract ended").toJson();
        backupBucketPrimary.putIfAbsent(BackupLayout.tombstone(ACME), json, Sha256.of(json));
    }

    @Test
    void anErasedTenantGetsNoNewKey() {
        eraseAcme();

        assertThatThrownBy(() -> new StoredDataKeys("us", primary, backup, KEK, KeyRotation.MONTHLY, true, tombstones).sealing(ACME, DEC))
                .isInstanceOf(DataKeyUnavailableException.class)
                .hasMessageContaining("tenant acme of regime us was erased").hasMessageContaining("no data key is created");
        assertThat(primary.listAll(KeyStoreLayout.tenantPrefix(ACME), Optional.empty())).isEmpty();
        assertThat(backup.listAll(KeyStoreLayout.tenantPrefix(ACME), Optional.empty())).isEmpty();
    }

    @Test
    void aKeyWrittenWhileTheErasureLandsSealsNothing() {
        // the erasure's tombstone lands between the key's put in the primary and its use: the erasure listed no key to destroy
        ObjectStore primaryErasedDuringPut = new ForwardingObjectStore(primary) {
            @Override
            public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
                PutResult result = super.putIfAbsent(key, bytes, sha256);
                eraseAcme();
                return result;
            }
        };
        StoredDataKeys sink = new StoredDataKeys("us", primaryErasedDuringPut, backup, KEK, KeyRotation.MONTHLY, true, tombstones);

        assertThatThrownBy(() -> sink.sealing(ACME, DEC)).isInstanceOf(DataKeyUnavailableException.class)
                .hasMessageContaining("seals nothing").hasMessageContaining("tenants erase acme");
        assertThat(primary.listAll(KeyStoreLayout.tenantPrefix(ACME), Optional.empty())).hasSize(1);
        // not remembered for sealing: asked again, it is refused again
        assertThatThrownBy(() -> sink.sealing(ACME, DEC)).isInstanceOf(DataKeyUnavailableException.class);
    }

    @Test
    void aKeyThatOutlivedAnErasureIsNotTakenUpBySealing() {
        DataKey before = keys(true).sealing(ACME, DEC);
        eraseAcme();

        assertThatThrownBy(() -> new StoredDataKeys("us", primary, backup, KEK, KeyRotation.MONTHLY, true, tombstones).sealing(ACME, DEC))
                .isInstanceOf(DataKeyUnavailableException.class).hasMessageContaining("data key " + before.id() + " seals nothing");
        // opening what it sealed before the erasure is the restore's business (it refuses on the tombstone), not refused here
        assertThat(keys(false).named(ACME, before.id()).id()).isEqualTo(before.id());
    }

    @Test
    void anotherTenantsTombstoneChangesNothing() {
        eraseAcme();
        TenantId globex = TenantId.of("globex");

        DataKey made = new StoredDataKeys("us", primary, backup, KEK, KeyRotation.MONTHLY, true, tombstones).sealing(globex, DEC);

        assertThat(made.tenant()).isEqualTo(globex);
    }
}
