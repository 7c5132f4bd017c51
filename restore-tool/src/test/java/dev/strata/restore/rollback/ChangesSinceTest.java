package dev.strata.restore.rollback;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.truncate;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.replay.RowAtPoint;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys a rollback's fast path compares: those the log names after the point (a key changed by
 * an UPDATE under both its keys), and the fold of only those keys at the point; a TRUNCATE after the
 * point leaves no key set, only the reason.
 */
class ChangesSinceTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z
    private static final long POINT = T0 + 20_000_000;

    @TempDir
    Path spill;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private SinkBackup writer;

    @BeforeEach
    void sink() {
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION), spill);
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
    }

    @Test
    void namesTheKeysChangedAfterThePointAndTheFoldKeepsOnlyThem() throws Exception {
        List<ChangeEvent> events = tenRowsThen(
                update(A, ORDERS, POINT + 1, 2000, 3, "changed"),
                delete(A, ORDERS, POINT + 2, 2010, 4),
                insert(A, ORDERS, POINT + 3, 2020, 20, "new"),
                // a key changed by an UPDATE: the old key goes, the new one comes
                event(A, ORDERS, Op.UPDATE, POINT + 4, 2030, 1, key(21), row(5, "v5"), row(21, "moved")));
        writer.write(events, SinkBackup.everyNEvents(4));
        Replay replay = replay();
        RestorePlan atPoint = replay.plan(TenantId.of(A), RestoreTime.format(POINT));

        ChangesSince.Found found = read(latest(replay), POINT);

        assertThat(found.fullDiffReason()).isEmpty();
        assertThat(found.events()).isEqualTo(4);
        assertThat(found.tables()).containsOnlyKeys(ORDERS);
        assertThat(found.tables().get(ORDERS).values().values()).extracting(Arrays::asList)
                .containsExactlyInAnyOrder(List.of(3L), List.of(4L), List.of(20L), List.of(5L), List.of(21L));
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            replay.run(atPoint, target, TransactionFilter.ALL, found.filter(Set.of()));
        }
        assertThat(out.toString().lines().toList()).as("the rows at the point of the changed keys that existed then")
                .hasSize(3).allMatch(l -> l.contains("\"v3\"") || l.contains("\"v4\"") || l.contains("\"v5\""));
    }

    @Test
    void readsTheLogNewestFirstOnlyUntilEveryKeyIsSettled() throws Exception {
        List<ChangeEvent> events = tenRowsThen(
                update(A, ORDERS, T0 + 12_000_000, 1100, 3, "v3 new"),
                update(A, ORDERS, T0 + 13_000_000, 1110, 8, "v8 new"),
                update(A, ORDERS, POINT + 1, 2000, 3, "changed"),
                update(A, ORDERS, POINT + 2, 2010, 8, "changed"),
                insert(A, ORDERS, POINT + 3, 2020, 20, "new"));
        writer.write(events, SinkBackup.everyNEvents(4)); // up to the point: 0-3, 4-7, 8-9 and the two updates
        Replay full = replay();
        RestorePlan atPoint = full.plan(TenantId.of(A), RestoreTime.format(POINT));
        ChangesSince.Found found = read(latest(full), POINT);
        assertThat(atPoint.segments()).hasSize(3);

        List<String> whole = rows(full, atPoint, found.filter(Set.of()));
        Replay newestFirst = replay(1); // one reader: the second segment is not begun while the first is read
        List<String> settled = rows(newestFirst, newestFirst.plan(TenantId.of(A), RestoreTime.format(POINT)), found.filter(Set.of(ORDERS)));

        assertThat(whole).as("key 20 may have had a row at the point: every segment is read").hasSize(2)
                .allMatch(l -> l.contains("\"v3 new\"") || l.contains("\"v8 new\""));
        assertThat(full.notes()).noneMatch(n -> n.contains("newest first"));
        assertThat(settled).as("key 20 was inserted first after the point: it had no row then").isEqualTo(whole);
        assertThat(newestFirst.notes()).anyMatch(n -> n.contains("newest first") && n.contains(" 1 of 3 segment(s)"));
    }

    @Test
    void aKeyWhoseFirstChangeAfterThePointCarriesItsWholeOldRowTakesThatRowWithoutTheLogBeforeThePoint() throws Exception {
        List<ChangeEvent> events = tenRowsThen(
                update(A, ORDERS, T0 + 12_000_000, 1100, 3, "v3 new"),
                // REPLICA IDENTITY FULL: each UPDATE and DELETE carries the whole old row
                event(A, ORDERS, Op.UPDATE, POINT + 1, 2000, 1, key(3), row(3, "v3 new"), row(3, "changed")),
                event(A, ORDERS, Op.UPDATE, POINT + 2, 2010, 1, key(3), row(3, "changed"), row(3, "again")),
                event(A, ORDERS, Op.DELETE, POINT + 3, 2020, 1, key(4), row(4, "v4"), null),
                event(A, ORDERS, Op.UPDATE, POINT + 4, 2030, 1, key(21), row(5, "v5"), row(21, "moved")),
                insert(A, ORDERS, POINT + 5, 2040, 20, "new"));
        List<ChangeEvent> withOneUnder = new ArrayList<>(events);
        // a table of REPLICA IDENTITY DEFAULT: an UPDATE that keeps its key carries no old row
        withOneUnder.add(update(A, ORDERS, POINT + 6, 2050, 9, "changed"));
        writer.write(withOneUnder, SinkBackup.everyNEvents(4)); // up to the point: 0-3, 4-7, 8-9 and v3 new
        Replay full = replay();
        RestorePlan atPoint = full.plan(TenantId.of(A), RestoreTime.format(POINT));
        ChangesSince.Found found = read(latest(full), POINT);
        Map<String, Predicate<RowAtPoint>> live = Map.of(ORDERS, row -> row.holds(List.of("id", "name")));
        List<String> whole = rows(full, atPoint, found.filter(Set.of()));
        assertThat(whole).hasSize(4).anyMatch(l -> l.contains("\"v3 new\"")).anyMatch(l -> l.contains("\"v9\""));

        Replay mixed = replay(1);
        KeyFilter oneWithout = found.filter(Set.of(ORDERS), live);
        assertThat(oneWithout.given()).as("key 9 has no old row: the table's keys are all read from the log").isEmpty();
        assertThat(rows(mixed, mixed.plan(TenantId.of(A), RestoreTime.format(POINT)), oneWithout)).isEqualTo(whole);
        assertThat(mixed.notes()).as("keys 4 and 5 in the segment before the newest").anyMatch(n -> n.contains(" 2 of 3 segment(s)"));

        Replay given = replay(1);
        KeyFilter each = withoutKey(found, live, 9);
        assertThat(each.given()).as("keys 3, 4 and 5; not 21 and 20 (given a row after the point)").hasSize(3);
        assertThat(rows(given, given.plan(TenantId.of(A), RestoreTime.format(POINT)), each))
                .isEqualTo(whole.stream().filter(l -> !l.contains("\"v9\"")).toList());
        assertThat(given.notes()).as("every key given its row: no segment read")
                .anyMatch(n -> n.contains("newest first") && n.contains(" 0 of 3 segment(s)"));
        assertThat(given.notes()).as("a file of rows creates no table: only the match by name is noted")
                .anyMatch(n -> n.contains("no table definition") && n.contains("columns are matched by name: a value written before"))
                .noneMatch(n -> n.contains("constraints and indexes are not restored"));
        assertThat(withoutKey(found, Map.of(ORDERS, row -> row.holds(List.of("id", "name", "note"))), 9).given())
                .as("an old row without a column the live table has is not whole").isEmpty();
    }

    /** {@code found}'s filter without the key {@code id}: as if only the keys with whole old rows had changed. */
    private static KeyFilter withoutKey(ChangesSince.Found found, Map<String, Predicate<RowAtPoint>> live, long id) {
        ChangesSince.TableKeys keys = found.tables().get(ORDERS);
        KeyFilter.Key dropped = keys.values().entrySet().stream().filter(e -> e.getValue()[0].equals(id)).findFirst().orElseThrow().getKey();
        Map<KeyFilter.Key, Object[]> values = new HashMap<>(keys.values());
        values.remove(dropped);
        Map<KeyFilter.Key, long[]> first = new HashMap<>(keys.first());
        first.remove(dropped);
        ChangesSince.TableKeys fewer = new ChangesSince.TableKeys(keys.shape(), values, first, keys.atPoint());
        return new ChangesSince.Found(Map.of(ORDERS, fewer), Optional.empty(), found.segments(), found.events()).filter(Set.of(ORDERS), live);
    }

    @Test
    void theLogReadOnAfterTheWaitAddsOnlyTheKeysItAloneNames() {
        long durableBefore = POINT + 2;
        writer.write(tenRowsThen(
                update(A, ORDERS, POINT + 1, 2000, 3, "changed"),
                delete(A, ORDERS, durableBefore, 2010, 4),
                // read on after the wait: key 3 again, and key 8 the first time since the point
                update(A, ORDERS, POINT + 3, 2020, 3, "again"),
                update(A, ORDERS, POINT + 4, 2030, 8, "late")), SinkBackup.everyNEvents(4));
        Replay replay = replay();

        ChangesSince.Found first = read(replay.plan(TenantId.of(A), RestoreTime.format(durableBefore)), POINT);
        ChangesSince.Found after = read(latest(replay), durableBefore);
        ChangesSince.Found whole = read(latest(replay), POINT);

        assertThat(keys(first)).containsExactlyInAnyOrder(List.of(3L), List.of(4L));
        assertThat(after.events()).as("the changes after the first read's end only").isEqualTo(2);
        assertThat(keys(first.newIn(after))).as("key 3 is staged already").containsExactly(List.of(8L));
        assertThat(first.keys() + first.newIn(after).keys()).as("every key once").isEqualTo(whole.keys());
        assertThat(first.events() + after.events()).isEqualTo(whole.events());
        assertThat(first.newIn(read(replay.plan(TenantId.of(A), RestoreTime.format(durableBefore)), durableBefore))
                .none()).as("nothing new when nothing was written meanwhile").isTrue();
    }

    @Test
    void countsOnlyTheRowChangesOfTransactionsTheSnapshotSeesButEveryTruncate() {
        writer.write(tenRowsThen(
                update(A, ORDERS, POINT + 1, 2000, 3, "seen"),
                update(A, ORDERS, POINT + 2, 2100, 4, "not seen"), // transaction 21
                // a snapshot's READ carries the reading snapshot's transaction (22), not the rows' writer
                event(A, ORDERS, Op.READ, POINT + 3, 2200, 1, key(5), null, row(5, "read"))), SinkBackup.everyNEvents(4));
        Replay replay = replay();
        TransactionFilter snapshot = txId -> txId != 21 && txId != 22;

        ChangesSince.Found found = ChangesSince.read(stores(), latest(replay), POINT, snapshot);

        assertThat(keys(found)).containsExactlyInAnyOrder(List.of(3L), List.of(5L));
        assertThat(found.events()).isEqualTo(2);
    }

    @Test
    void aTruncateTheSnapshotDoesNotSeeStillLeavesOnlyAReason() {
        writer.write(tenRowsThen(update(A, ORDERS, POINT + 1, 2000, 3, "changed"), truncate(A, ORDERS, POINT + 2, 2100)),
                SinkBackup.everyNEvents(4));
        Replay replay = replay();

        ChangesSince.Found found = ChangesSince.read(stores(), latest(replay), POINT, txId -> txId != 21);

        assertThat(found.fullDiffReason()).as("a TRUNCATE empties the table in snapshots taken before it too")
                .hasValueSatisfying(r -> assertThat(r).startsWith("a TRUNCATE of public.orders at "));
    }

    // newest first, one reader: the newest segment is read whole before the older ones, which then need no shapes
    @Test
    void aTableTakesTheColumnsOfItsNewestImageAtThePointWhicheverKeyItIsOf() {
        assertThat(keyThreeAtThePoint(update(A, ORDERS, T0 + 14_000_000, 1140, 5, "narrow again")))
                .as("the newest image is narrow: the older wide ones' columns go").doesNotContain("note");
    }

    @Test
    void aTableTakesTheColumnsOfAnOlderSegmentWhenTheNewestHasNoImageOfIt() {
        assertThat(keyThreeAtThePoint(delete(A, ORDERS, T0 + 14_000_000, 1140, 6)))
                .as("the wide images of the segment before the newest give the columns").contains("\"note\":null");
    }

    /** Key 3's row at the point, restored alone and restored with every key (asserted equal), after {@code newest}. */
    private String keyThreeAtThePoint(ChangeEvent newest) {
        List<ChangeEvent> events = tenRowsThen(
                event(A, ORDERS, Op.UPDATE, T0 + 12_000_000, 1120, 1, key(1), null, wide(1)),
                event(A, ORDERS, Op.UPDATE, T0 + 13_000_000, 1130, 1, key(2), null, wide(2)),
                newest,
                update(A, ORDERS, POINT + 1, 2000, 3, "changed"));
        writer.write(events, SinkBackup.everyNEvents(4)); // 0-3, 4-7, 8-9 and the wide images, then the newest
        Replay replay = replay(1);
        RestorePlan atPoint = replay.plan(TenantId.of(A), RestoreTime.format(POINT));
        ChangesSince.Found found = read(latest(replay), POINT);

        List<String> alone = rows(replay, atPoint, found.filter(Set.of(ORDERS)));
        List<String> whole = rows(replay(), atPoint, KeyFilter.ALL).stream().filter(l -> l.contains("\"v3\"")).toList();

        assertThat(alone).isEqualTo(whole).hasSize(1);
        return alone.get(0);
    }

    private static List<Column> wide(long id) {
        return List.of(col("id", "bigint", id), col("name", "text", "w" + id), col("note", "text", "wide"));
    }

    /** The changes after {@code since} in {@code plan}, of every transaction. */
    private ChangesSince.Found read(RestorePlan plan, long since) {
        return ChangesSince.read(stores(), plan, since, TransactionFilter.ALL);
    }

    /** The plan to the durable point, from a base no later than the point. */
    private static RestorePlan latest(Replay replay) {
        return replay.plan(TenantId.of(A), RestoreTime.LATEST, POINT);
    }

    private static List<List<Object>> keys(ChangesSince.Found found) {
        return found.tables().values().stream().flatMap(t -> t.values().values().stream()).map(Arrays::asList).toList();
    }

    private static List<String> rows(Replay replay, RestorePlan plan, KeyFilter keys) {
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            replay.run(plan, target, TransactionFilter.ALL, keys);
        }
        return out.toString().lines().sorted().toList();
    }

    @Test
    void aTruncateAfterThePointLeavesOnlyAReason() {
        writer.write(tenRowsThen(update(A, ORDERS, POINT + 1, 2000, 3, "changed"), truncate(A, ORDERS, POINT + 2, 2010)),
                SinkBackup.everyNEvents(4));
        Replay replay = replay();

        ChangesSince.Found found = read(latest(replay), POINT);

        assertThat(found.fullDiffReason()).hasValueSatisfying(r -> assertThat(r).startsWith("a TRUNCATE of public.orders at "));
    }

    private static List<ChangeEvent> tenRowsThen(ChangeEvent... after) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(insert(A, ORDERS, T0 + i * 1_000_000L, 1000 + 10L * i, i, "v" + i));
        }
        events.addAll(List.of(after));
        return events;
    }

    private RegimeStores stores() {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primaryBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backupBucket.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.backup."));
    }

    private Replay replay() {
        return replay(2);
    }

    private Replay replay(int readers) {
        return new Replay(stores(), new ReplayOptions(Duration.ofHours(1), readers, FoldMemory.defaults(spill), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
    }
}
