package dev.strata.restore.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErasureLedgerTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long NOW = 1_795_000_000_000_000L;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final CorruptingStore primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
    private final CorruptingStore backup = new CorruptingStore(backupBucket.store(VersionPolicy.FIRST_VERSION));
    private final RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "p."),
            new RegionStore(Region.BACKUP, backup, "b."));

    @Test
    void entriesAreWrittenOnceToBothRegionsInRequestOrderAndReadBack() {
        ObjectKey first = append(entry(Map.of("id", "20"), List.of()));
        ObjectKey second = append(entry(Map.of("id", "4"), List.of("email")));
        assertThat(second).isGreaterThan(first); // the same microsecond: the next sequence number, never an overwrite
        ErasureLedger ledger = ErasureLedger.read(stores, ACME, note -> { });
        assertThat(ledger.entries()).extracting(ErasureLedger.LedgerEntry::key).containsExactly(first, second);
        assertThat(ledger.erasures().get(1).nullColumns()).containsExactly("email");
    }

    @Test
    void anEntryOneRegionLacksOrWhoseBytesDifferRefusesTheRestore() {
        ObjectKey key = append(entry(Map.of("id", "20"), List.of()));
        backup.lose(key);
        assertThatThrownBy(() -> ErasureLedger.read(stores, ACME, note -> { })).isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("cannot read the erasure ledger of tenant acme: entry " + key)
                .hasMessageContaining("the backup region listed it but returned nothing");
        CorruptingStore tampered = new CorruptingStore(backupBucket.store(VersionPolicy.FIRST_VERSION));
        tampered.corrupt(key);
        RegimeStores withTampered = new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "p."),
                new RegionStore(Region.BACKUP, tampered, "b."));
        assertThatThrownBy(() -> ErasureLedger.read(withTampered, ACME, note -> { }))
                .hasMessageContaining("its bytes in the backup region do not match their declared SHA-256");
    }

    @Test
    void aRegionThatDoesNotAnswerIsReadAroundAndSaidSo() {
        append(entry(Map.of("id", "20"), List.of()));
        backup.down();
        List<String> notes = new ArrayList<>();
        assertThat(ErasureLedger.read(stores, ACME, notes::add).size()).isEqualTo(1);
        assertThat(notes).singleElement().asString().contains("read from one region only: the backup region did not answer");
    }

    @Test
    void matchingRowsAreLeftOutOrNulledUnderEveryKeyTheRowHad() {
        TableTarget people = new TableTarget(new TableShape("public.people", List.of("tenant_id", "id", "email", "name"),
                List.of("text", "bigint", "text", "text"), List.of("tenant_id", "id")));
        ErasedRows erased = new ErasedRows(List.of(
                new ErasureEntry(1, "acme", "public.people", Map.of("id", "20"), List.of(Map.of("tenant_id", "acme", "id", "2")),
                        List.of(), "r", "me", "2026-12-05T00:00:00Z"),
                entry(Map.of("tenant_id", "acme", "id", "4"), List.of("email"))));
        assertThat(erased.apply(row(people, 20L, "bob")).deleted()).isTrue();
        assertThat(erased.apply(row(people, 2L, "bob")).deleted()).isTrue(); // before an UPDATE gave the row key 20
        FoldedRow dora = erased.apply(row(people, 4L, "dora"));
        assertThat(dora.values()).containsExactly("acme", 4L, null, "dora");
        FoldedRow ann = row(people, 1L, "ann");
        assertThat(erased.apply(ann)).isSameAs(ann);
        assertThat(erased.applied().describe()).isEqualTo("erasure ledger: 2 entries applied; 2 row(s) left out, 1 row(s) with columns nulled");
        Map<String, String> shown = erased.visible("public.people", Map.of("tenant_id", "acme", "id", "4"),
                Map.of("email", "d@x", "name", "dora")).orElseThrow();
        assertThat(shown).containsEntry("name", "dora").containsEntry("email", null);
        assertThat(erased.visible("public.people", Map.of("tenant_id", "acme", "id", "2"), Map.of("name", "bob"))).isEmpty();
    }

    private static FoldedRow row(TableTarget table, long id, String name) {
        return new FoldedRow(table, new Object[] {"acme", id, name + "@example.com", name}, new Object[] {"acme", id});
    }

    private ObjectKey append(ErasureEntry entry) {
        LedgerWriter writer = new LedgerWriter(List.of(primaryBucket.store(VersionPolicy.FIRST_VERSION),
                backupBucket.store(VersionPolicy.FIRST_VERSION)));
        return writer.append(ACME, NOW, entry);
    }

    private static ErasureEntry entry(Map<String, String> key, List<String> nullColumns) {
        return new ErasureEntry(ErasureEntry.VERSION, "acme", "public.people", key, List.of(), nullColumns, "a reason", "dpo",
                "2026-12-05T00:00:00Z");
    }
}
