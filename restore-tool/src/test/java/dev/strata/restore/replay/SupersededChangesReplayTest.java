package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.EventConverter;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole restore reads the log newest first and walks over, undecoded, the changes of a segment that the fold already
 * supersedes ({@link KeyFilter.Pass#decodes}): a key whose version it holds from where the newer segments read whole begin.
 */
class SupersededChangesReplayTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z, the start of an hour
    private static final int EVENTS = 1_500;

    @TempDir
    Path spill;

    @Test
    void aChangeIsDecodedUnlessTheFoldHoldsItsKeyFromWhereTheNewerSegmentsBegin() {
        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(64L << 20, spill, 4))) {
            FoldOp held = op(catalog, update(A, ORDERS, 200, 200, 1, "newest"));
            folder.accept(held);
            FoldOp other = op(catalog, update(A, ORDERS, 100, 100, 2, "x"));
            int table = held.tableId();

            KeyFilter.Pass after150 = KeyFilter.ALL.pass(catalog, folder, null, newer(new FoldPosition(150, 0)));
            assertThat(after150.decodes(table, held.key(), held.key().length)).isFalse();
            assertThat(after150.decodes(table, other.key(), other.key().length)).as("a key not held").isTrue();
            KeyFilter.Pass after250 = KeyFilter.ALL.pass(catalog, folder, null, newer(new FoldPosition(250, 0)));
            assertThat(after250.decodes(table, held.key(), held.key().length)).as("held from before the newer segments").isTrue();
            KeyFilter.Pass noneNewer = KeyFilter.ALL.pass(catalog, folder, null, newer(null));
            assertThat(noneNewer.decodes(table, held.key(), held.key().length)).isTrue();

            // a rollback's filter: a key it does not want is skipped, but not as a superseded change
            KeyFilter.Pass onlyOther = KeyFilter.only(Map.of(ORDERS, Set.of(KeyFilter.Key.of(other.key()))))
                    .pass(catalog, folder, null, newer(new FoldPosition(150, 0)));
            assertThat(onlyOther.decodes(table, held.key(), held.key().length)).isFalse();
            onlyOther.skipped(table, -1, 120, 0);
            onlyOther.close();
            assertThat(folder.stats().superseded()).isZero();

            assertThat(after150.decodes(table, held.key(), held.key().length)).isFalse();
            after150.skipped(table, -1, 120, 0);
            after150.close();
            assertThat(folder.stats().superseded()).isEqualTo(1);
            assertThat(folder.stats().changes()).isEqualTo(2);
        }
    }

    @Test
    void segmentsOfThreePartitionsOverlappingInTimeGiveEachKeysNewestVersionAtEveryPoint() throws IOException {
        InMemoryBucket primaryBucket = new InMemoryBucket();
        InMemoryBucket backupBucket = new InMemoryBucket();
        List<ChangeEvent> history = new ArrayList<>();
        Map<Integer, List<ChangeEvent>> partitions = new TreeMap<>();
        Random random = new Random(17);
        for (int i = 0; i < EVENTS; i++) {
            long t = T0 + i * 1_000_000L; // a change a second, all in one hour
            long lsn = 1_000 + 10L * i;
            long id = random.nextInt(60);
            int kind = random.nextInt(10);
            ChangeEvent change = kind < 7 ? update(A, ORDERS, t, lsn, id, "v" + i)
                    : kind < 9 ? delete(A, ORDERS, t, lsn, id) : insert(A, ORDERS, t, lsn, id, "i" + i);
            history.add(change);
            // a key's changes spread over the partitions: a segment read after a newer one may hold its newest change
            partitions.computeIfAbsent(random.nextInt(3), p -> new ArrayList<>()).add(change);
        }
        try (SinkBackup writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION),
                backupBucket.store(VersionPolicy.LATEST_VERSION), spill)) {
            partitions.forEach((partition, events) -> writer.write(partition, events, SinkBackup.everyNEvents(11)));
            RegimeStores stores = stores(primaryBucket, backupBucket);
            for (int readers : new int[] {1, 3}) {
                for (int last : new int[] {400, 901, EVENTS - 1}) {
                    long until = history.get(last).getCommitTsMicros();
                    Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), readers, FoldMemory.defaults(spill), false),
                            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
                    RestorePlan plan = replay.plan(TenantId.of(A), RestoreTime.format(until));
                    StringWriter out = new StringWriter();
                    ReplaySummary summary;
                    try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
                        summary = replay.run(plan, target);
                    }
                    List<ChangeEvent> upTo = history.subList(0, last + 1);
                    String at = readers + " reader(s), up to change " + last;
                    assertThat(rows(out)).as(at).isEqualTo(expected(upTo));
                    // every change counted once, decoded or walked over
                    assertThat(summary.fold().changes()).as(at).isEqualTo(upTo.size());
                    long keys = upTo.stream().map(e -> e.getKey().get(0).getValue()).distinct().count();
                    assertThat(summary.fold().superseded()).as(at).isPositive().isLessThanOrEqualTo(upTo.size() - keys);
                }
            }
        }
    }

    @Test
    void aTableWhoseEveryRowWasDeletedKeepsTheColumnsOfTheImageWalkedOver() throws IOException {
        InMemoryBucket primaryBucket = new InMemoryBucket();
        InMemoryBucket backupBucket = new InMemoryBucket();
        List<ChangeEvent> history = new ArrayList<>();
        history.add(insert(A, NOTES, T0, 1_000, 1, "only"));
        for (int i = 1; i <= 30; i++) {
            history.add(update(A, ORDERS, T0 + i * 1_000_000L, 1_000 + 10L * i, i % 4, "v" + i));
        }
        history.add(delete(A, NOTES, T0 + 31_000_000L, 1_400, 1)); // the newest change of the table: no image
        try (SinkBackup writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION),
                backupBucket.store(VersionPolicy.LATEST_VERSION), spill)) {
            writer.write(history, SinkBackup.everyNEvents(5));
            Replay replay = new Replay(stores(primaryBucket, backupBucket),
                    new ReplayOptions(Duration.ofHours(1), 1, FoldMemory.defaults(spill), false), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                    Progress.NONE);
            ReplaySummary summary;
            try (NdjsonTarget target = NdjsonTarget.toStream(new StringWriter())) {
                summary = replay.run(replay.plan(TenantId.of(A), "latest"), target);
            }
            // the insert was walked over (the fold held the delete), and still gave the table its columns
            assertThat(summary.fold().superseded()).isPositive();
            assertThat(summary.notes()).noneSatisfy(n -> assertThat(n).contains(NOTES).contains("not created"));
            assertThat(summary.rowsPerTable()).containsEntry(NOTES, 0L).containsEntry(ORDERS, 4L);
        }
    }

    private static RegimeStores stores(InMemoryBucket primaryBucket, InMemoryBucket backupBucket) {
        return new RegimeStores("eu",
                new RegionStore(Region.PRIMARY, primaryBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backupBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.backup."));
    }

    private static NewerSegments.Newer newer(FoldPosition firstChange) {
        return new NewerSegments.Newer(new BitSet(), firstChange);
    }

    private static FoldOp op(ShapeCatalog catalog, ChangeEvent event) {
        List<FoldOp> ops = new ArrayList<>();
        new EventConverter(catalog, Long.MAX_VALUE).convert(event, ops::add);
        return ops.get(0);
    }

    /** Each key's newest change applied in commit order, as the rows the NDJSON target prints. */
    private static Map<String, String> expected(List<ChangeEvent> changes) {
        Map<String, String> rows = new TreeMap<>();
        for (ChangeEvent e : changes) {
            String id = String.valueOf(e.getKey().get(0).getValue());
            if (e.getAfter() == null) {
                rows.remove(id);
            } else {
                rows.put(id, String.valueOf(e.getAfter().get(1).getValue()));
            }
        }
        return rows;
    }

    private static Map<String, String> rows(StringWriter out) throws IOException {
        Map<String, String> rows = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.toString().lines().toList()) {
            JsonNode node = json.readTree(line);
            rows.put(node.get("key").get("id").asText(), node.get("row").get("name").asText());
        }
        return rows;
    }
}
