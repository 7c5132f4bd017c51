package dev.strata.schemas.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.crypto.DataKey;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import java.time.Instant;
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
}
