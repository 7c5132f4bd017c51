package dev.strata.schemas.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BackupLayoutTest {

    private static final TenantId ACME = TenantId.of("acme");
    /** 2026-11-21T10:15:30.123456Z */
    private static final long T = Instant.parse("2026-11-21T10:15:30Z").getEpochSecond() * 1_000_000L + 123_456L;

    @Test
    void segmentKeyHasTheDesignedShape() {
        SegmentKey k = new SegmentKey(ACME, T, T + 1_500_000L, 3, 1234, 1300);
        assertThat(BackupLayout.segment(k).value()).isEqualTo("strata/v1/tenants/acme/log/20261121/10/"
                + "20261121T101530.123456Z_20261121T101531.623456Z_p0000000003_0000000000000001234_0000000000000001300.seg");
        assertThat(BackupLayout.parse(BackupLayout.segment(k))).isEqualTo(k);
    }

    @Test
    void manifestBaseAndDrillKeysHaveTheDesignedShape() {
        ManifestKey m = new ManifestKey(ACME, UtcHour.containing(T), 2);
        assertThat(BackupLayout.manifest(m).value()).isEqualTo("strata/v1/tenants/acme/manifests/2026112110.000002.manifest");
        BaseCut cut = new BaseCut(T, 987_654_321L);
        assertThat(BackupLayout.base(new BaseKey(ACME, cut, "public.orders")).value())
                .isEqualTo("strata/v1/tenants/acme/bases/20261121T101530.123456Z_0000000000987654321/public.orders.base");
        assertThat(BackupLayout.baseManifest(new BaseManifestKey(ACME, cut)).value())
                .isEqualTo("strata/v1/tenants/acme/bases/20261121T101530.123456Z_0000000000987654321/base.manifest");
        assertThat(BackupLayout.drill(new DrillKey(ACME, T)).value()).isEqualTo("strata/v1/drills/acme/20261121T101530.123456Z.json");
    }

    @Test
    void durableMarkKeyHasTheDesignedShape() {
        DurableMarkKey k = new DurableMarkKey(ACME, T, 3, 88_211);
        assertThat(BackupLayout.mark(k).value()).isEqualTo("strata/v1/tenants/acme/durable/20261121/10/"
                + "20261121T101530.123456Z_p0000000003_0000000000000088211.mark");
        assertThat(BackupLayout.parseMark(BackupLayout.mark(k))).isEqualTo(k);
        assertThat(BackupLayout.mark(k).startsWith(BackupLayout.marksPrefix(ACME))).isTrue();
        assertThat(BackupLayout.marksStartAfter(ACME, T).value()).isEqualTo("strata/v1/tenants/acme/durable/20261121/10/20261121T101530.123456Z");
        assertThatThrownBy(() -> BackupLayout.parseMark(new ObjectKey("strata/v1/tenants/acme/durable/20261121/11/"
                + "20261121T101530.123456Z_p0000000003_0000000000000088211.mark")))
                .isInstanceOf(InvalidObjectKeyException.class).hasMessageContaining("not in canonical form");
        assertThatThrownBy(() -> BackupLayout.parseMark(new ObjectKey("strata/v1/tenants/acme/durable/20261121/10/x.mark")))
                .isInstanceOf(InvalidObjectKeyException.class).hasMessageContaining("<point>_p<part>_<committedOffset>.mark");
        assertThatThrownBy(() -> new DurableMarkKey(ACME, T, -1, 0)).hasMessageContaining("partition -1 is negative");
    }

    @Test
    void everyKindParsesBackToItself() {
        BaseCut cut = new BaseCut(T, 5);
        for (LayoutKey k : new LayoutKey[] {new SegmentKey(ACME, 0, 0, 0, 0, 0), new ManifestKey(ACME, UtcHour.containing(T), 0),
                new BaseKey(ACME, cut, "public.orders"), new BaseManifestKey(ACME, cut), new DrillKey(ACME, KeyTime.MAX_MICROS),
                new LateNoticeKey(ACME, T, new SegmentKey(ACME, 0, 5, 2, 7, 9)),
                new DurableMarkKey(ACME, KeyTime.MAX_MICROS, Integer.MAX_VALUE, Long.MAX_VALUE),
                new LedgerEntryKey(ACME, T, LedgerEntryKey.MAX_SEQ), new TombstoneKey(ACME)}) {
            assertThat(BackupLayout.parse(BackupLayout.format(k))).isEqualTo(k);
        }
        assertThat(BackupLayout.parseSegment(BackupLayout.segment(new SegmentKey(ACME, T, T, 1, 2, 3))).partition()).isEqualTo(1);
        assertThat(BackupLayout.parseManifest(BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(T), 9))).seq()).isEqualTo(9);
        assertThat(BackupLayout.parseBase(BackupLayout.base(new BaseKey(ACME, cut, "a.b"))).table()).isEqualTo("a.b");
        assertThat(BackupLayout.parseBaseManifest(BackupLayout.baseManifest(new BaseManifestKey(ACME, cut))).cut()).isEqualTo(cut);
        assertThat(BackupLayout.parseDrill(BackupLayout.drill(new DrillKey(ACME, T))).timeMicros()).isEqualTo(T);
    }

    @Test
    void ledgerEntriesLieOutsideTheTenantsTreeAndSortInRequestOrder() {
        ObjectKey first = BackupLayout.format(new LedgerEntryKey(ACME, T, 0));
        assertThat(first.value()).isEqualTo("strata/v1/ledger/acme/20261121T101530.123456Z_000000.entry");
        assertThat(BackupLayout.format(new LedgerEntryKey(ACME, T, 1))).isGreaterThan(first);
        assertThat(BackupLayout.format(new LedgerEntryKey(ACME, T + 1, 0))).isGreaterThan(BackupLayout.format(new LedgerEntryKey(ACME, T, 1)));
        assertThat(first.startsWith(BackupLayout.ledgerPrefix(ACME))).isTrue();
        assertThat(first.startsWith(BackupLayout.allTenantsPrefix())).isFalse(); // expiry lists under tenants/ only
        assertThat(BackupLayout.parseLedgerEntry(first)).isEqualTo(new LedgerEntryKey(ACME, T, 0));
        assertRejected("strata/v1/ledger/acme/20261121T101530.123456Z_0.entry", "expected strata/v1/ledger/<tenant>/<requestedAt>_<seq>.entry");
        assertRejected("strata/v1/ledger/acme/x/20261121T101530.123456Z_000000.entry", "expected strata/v1/ledger/");
    }

    @Test
    void tombstonesLieOutsideTheTenantsTreeOnePerTenant() {
        ObjectKey tombstone = BackupLayout.tombstone(ACME);
        assertThat(tombstone.value()).isEqualTo("strata/v1/erased/acme.tombstone");
        assertThat(tombstone.startsWith(BackupLayout.tombstonesPrefix())).isTrue();
        assertThat(tombstone.startsWith(BackupLayout.allTenantsPrefix())).isFalse(); // expiry never removes one
        assertThat(BackupLayout.parseTombstone(tombstone)).isEqualTo(new TombstoneKey(ACME));
        assertRejected("strata/v1/erased/acme/x.tombstone", "expected strata/v1/erased/<tenant>.tombstone");
        assertRejected("strata/v1/erased/acme.json", "expected strata/v1/erased/<tenant>.tombstone");
        assertRejected("strata/v1/erased/Not A Tenant.tombstone", "expected strata/v1/erased/<tenant>.tombstone");
    }

    @Test
    void lateNoticesSortByArrivalAndNameTheirSegment() {
        SegmentKey old = new SegmentKey(ACME, T - 3_600_000_000L * 5, T - 3_600_000_000L * 5 + 10, 1, 2, 3);
        ObjectKey notice = BackupLayout.lateNotice(new LateNoticeKey(ACME, T, old));
        assertThat(notice.value()).isEqualTo("strata/v1/tenants/acme/late/20261121T101530.123456Z_20261121T051530.123456Z"
                + "_20261121T051530.123466Z_p0000000001_0000000000000000002_0000000000000000003.late");
        assertThat(BackupLayout.parseLateNotice(notice).segment()).isEqualTo(old);
        // start-after the marker of t: the notices that arrived at t or later, whatever their segment's commit times
        assertThat(notice.value().compareTo(BackupLayout.lateStartAfter(ACME, T).value())).isPositive();
        assertThat(notice.value().compareTo(BackupLayout.lateStartAfter(ACME, T + 1).value())).isNegative();
        assertThatThrownBy(() -> new LateNoticeKey(TenantId.of("other"), T, old)).hasMessageContaining("cannot name a segment of tenant acme");
    }

    @Test
    void tableNamesWithSchemaStayReadableAndOddOnesAreEscaped() {
        BaseCut cut = new BaseCut(T, 1);
        assertThat(BackupLayout.base(new BaseKey(ACME, cut, "public.orders")).value()).endsWith("/public.orders.base");
        assertThat(BackupLayout.base(new BaseKey(ACME, cut, "sales.Order Lines/2024")).value()).endsWith("/sales.Order%20Lines%2F2024.base");
        assertThat(BackupLayout.base(new BaseKey(ACME, cut, "public.bücher%")).value()).endsWith("/public.b%C3%BCcher%25.base");
        for (String table : new String[] {"public.orders", "sales.Order Lines/2024", "public.bücher%", "base", "x.manifest", "a$b"}) {
            assertThat(BackupLayout.parseBase(BackupLayout.base(new BaseKey(ACME, cut, table))).table()).isEqualTo(table);
        }
    }

    @Test
    void segmentsOfAnHourListUnderItsPrefixAndStartAfterSplitsAtTheGivenTime() {
        ObjectKey hour = BackupLayout.logHourPrefix(ACME, UtcHour.containing(T));
        assertThat(hour.value()).isEqualTo("strata/v1/tenants/acme/log/20261121/10/");
        ObjectKey at = BackupLayout.segment(new SegmentKey(ACME, T, T, 0, 0, 0));
        ObjectKey before = BackupLayout.segment(new SegmentKey(ACME, T - 1, T + 10, 9, 0, 0));
        ObjectKey previousHour = BackupLayout.segment(new SegmentKey(ACME, T - 3_600_000_000L, T, 0, 0, 0));
        ObjectKey startAfter = BackupLayout.logStartAfter(ACME, T);
        assertThat(at).isGreaterThan(startAfter);
        assertThat(before).isLessThan(startAfter);
        assertThat(previousHour).isLessThan(startAfter);
        assertThat(at.startsWith(hour)).isTrue();
        assertThat(at.startsWith(BackupLayout.logPrefix(ACME))).isTrue();
        assertThat(at.startsWith(BackupLayout.tenantPrefix(ACME))).isTrue();
        assertThat(at.startsWith(BackupLayout.allTenantsPrefix())).isTrue();
        assertThat(at.startsWith(BackupLayout.tenantPrefix(TenantId.of("acm")))).isFalse();
    }

    @Test
    void manifestsStartAfterIncludesTheWholeHour() {
        UtcHour hour = UtcHour.containing(T);
        ObjectKey marker = BackupLayout.manifestsStartAfter(ACME, hour);
        assertThat(BackupLayout.manifest(new ManifestKey(ACME, hour, 0))).isGreaterThan(marker);
        assertThat(BackupLayout.manifest(new ManifestKey(ACME, new UtcHour(hour.epochHour() - 1), 999_999))).isLessThan(marker);
        assertThat(BackupLayout.basePrefix(ACME, new BaseCut(T, 3)).startsWith(BackupLayout.basesPrefix(ACME))).isTrue();
        assertThat(BackupLayout.drillsPrefix(ACME).value()).isEqualTo("strata/v1/drills/acme/");
    }

    @Test
    void badKeysAreRejectedNamingTheKeyAndTheProblem() {
        assertRejected("strata/v1/other/acme/log/x.seg",
                "expected it to start with strata/v1/tenants/, strata/v1/drills/, strata/v1/ledger/ or strata/v1/erased/");
        assertRejected("strata/v1/tenants/acme/blobs/x", "'blobs' is not log, manifests, bases, late or durable");
        assertRejected("strata/v1/tenants/acme/log/20261121/10/garbage.seg", "does not match strata/v1/tenants/<tenant>/log/");
        assertRejected("strata/v1/tenants/ac me/manifests/2026112110.000000.manifest", "tenant id 'ac me' is invalid");
        // the hour directory must be that of minCommit
        assertRejected("strata/v1/tenants/acme/log/20261121/11/"
                + "20261121T101530.123456Z_20261121T101531.623456Z_p0000000003_0000000000000001234_0000000000000001300.seg",
                "not in canonical form");
        assertRejected("strata/v1/tenants/acme/log/20261121/10/"
                + "20261121T101530.123456Z_20261121T101529.623456Z_p0000000003_0000000000000001234_0000000000000001300.seg",
                "is before minCommitMicros");
        assertRejected("strata/v1/tenants/acme/log/20261131/10/"
                + "20261131T101530.123456Z_20261131T101531.623456Z_p0000000003_0000000000000001234_0000000000000001300.seg",
                "not a valid UTC time");
        assertRejected("strata/v1/tenants/acme/log/20261121/10/"
                + "20261121T101530.123456Z_20261121T101531.623456Z_p0000000003_9999999999999999999_9999999999999999999.seg",
                "For input string");
        assertRejected("strata/v1/tenants/acme/manifests/2026112125.000000.manifest", "not a valid UTC hour");
        assertRejected("strata/v1/tenants/acme/manifests/2026112110.0.manifest", "does not match");
        assertRejected("strata/v1/tenants/acme/bases/20261121T101530.123456Z_0000000000000000001/public%2forders.base", "upper-case hex");
        assertRejected("strata/v1/tenants/acme/bases/20261121T101530.123456Z_0000000000000000001/public orders.base", "should have been escaped");
        assertRejected("strata/v1/tenants/acme/bases/20261121T101530.123456Z_0000000000000000001/%41.base", "not canonically escaped");
        assertRejected("strata/v1/drills/acme/today.json", "does not match strata/v1/drills/<tenant>/<time>.json");
        assertThatThrownBy(() -> BackupLayout.parseSegment(BackupLayout.drill(new DrillKey(ACME, T))))
                .isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageContaining("it names a DrillKey, not a SegmentKey");
    }

    @Test
    void keysFromAListingMustLieUnderTheRoot() {
        assertThat(BackupLayout.keyOf("strata/v1/anything/else").value()).isEqualTo("strata/v1/anything/else");
        assertThatThrownBy(() -> BackupLayout.keyOf("elsewhere/x")).hasMessageContaining("does not start with strata/v1/");
        assertThatThrownBy(() -> BackupLayout.keyOf("strata/v1/tenants/../x")).hasMessageContaining("path step '..'");
        assertThatThrownBy(() -> BackupLayout.keyOf("strata/v1/" + "x".repeat(1020))).hasMessageContaining("S3 allows 1024");
    }

    @Test
    void timesOutsideWhatAKeyCanHoldAreRefused() {
        assertThatThrownBy(() -> new SegmentKey(ACME, -1, 0, 0, 0, 0)).hasMessageContaining("outside 1970-01-01..9999-12-31");
        assertThatThrownBy(() -> new DrillKey(ACME, KeyTime.MAX_MICROS + 1)).hasMessageContaining("microseconds since the epoch");
        assertThatThrownBy(() -> new SegmentKey(ACME, 0, 0, -1, 0, 0)).hasMessageContaining("partition -1 is negative");
        assertThatThrownBy(() -> new SegmentKey(ACME, 0, 0, 0, 5, 4)).hasMessageContaining("offsets 5..4");
        assertThatThrownBy(() -> new ManifestKey(ACME, new UtcHour(0), 1_000_000)).hasMessageContaining("outside 0..999999");
        assertThatThrownBy(() -> new BaseCut(0, -1)).hasMessageContaining("cutLsn -1 is negative");
    }

    @Test
    void onlyTheLayoutCanMakeObjectKeys() {
        assertThat(Arrays.stream(ObjectKey.class.getDeclaredConstructors()).noneMatch(c -> Modifier.isPublic(c.getModifiers())
                || Modifier.isProtected(c.getModifiers()))).isTrue();
        assertThat(Modifier.isFinal(ObjectKey.class.getModifiers())).isTrue();
    }

    private static void assertRejected(String key, String messagePart) {
        assertThatThrownBy(() -> BackupLayout.parse(BackupLayout.keyOf(key)))
                .as(key)
                .isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageContaining("object key '" + key + "' is not a valid Strata key")
                .hasMessageContaining(messagePart);
    }
}
