package dev.strata.schemas.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Properties over many random keys; the seed is the repetition number, so a failure is reproducible. */
class BackupLayoutPropertyTest {

    private static final int KEYS = 2_000;

    @RepeatedTest(5)
    void everyKeyParsesBackToWhatWasFormatted(RepetitionInfo run) {
        Random random = new Random(run.getCurrentRepetition());
        for (int i = 0; i < KEYS; i++) {
            TenantId tenant = tenant(random);
            LayoutKey key = switch (random.nextInt(6)) {
                case 0 -> segment(random, tenant);
                case 1 -> new ManifestKey(tenant, UtcHour.containing(time(random)), random.nextInt(ManifestKey.MAX_SEQ + 1));
                case 2 -> new BaseKey(tenant, cut(random), table(random));
                case 3 -> new BaseManifestKey(tenant, cut(random));
                case 4 -> new DurableMarkKey(tenant, time(random), random.nextInt(64), random.nextLong() & Long.MAX_VALUE);
                default -> new DrillKey(tenant, time(random));
            };
            ObjectKey formatted = BackupLayout.format(key);
            assertThat(BackupLayout.parse(formatted)).as(formatted.value()).isEqualTo(key);
            assertThat(BackupLayout.parse(BackupLayout.keyOf(formatted.value()))).isEqualTo(key);
        }
    }

    @RepeatedTest(5)
    void keyOrderIsTimeOrder(RepetitionInfo run) {
        Random random = new Random(1000L + run.getCurrentRepetition());
        TenantId tenant = tenant(random);
        List<SegmentKey> segments = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            segments.add(segment(random, tenant));
        }
        List<SegmentKey> byKeyString = new ArrayList<>(segments);
        byKeyString.sort(byFormattedKey(segments));
        List<SegmentKey> byTime = new ArrayList<>(segments);
        byTime.sort(Comparator.comparingLong(SegmentKey::minCommitMicros)
                .thenComparingInt(SegmentKey::partition)
                .thenComparingLong(SegmentKey::firstOffset));
        // random microsecond times practically never tie, so (minCommit, partition, firstOffset) is the whole order
        assertThat(byKeyString).isEqualTo(byTime);
        // and the same by the string itself, the way S3 compares
        List<String> strings = byKeyString.stream().map(k -> BackupLayout.segment(k).value()).toList();
        assertThat(strings).isSorted();
    }

    @RepeatedTest(5)
    void withTiesKeyOrderIsTheFieldOrderOfTheFileName(RepetitionInfo run) {
        Random random = new Random(2000L + run.getCurrentRepetition());
        TenantId tenant = tenant(random);
        long base = time(random);
        List<SegmentKey> segments = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            long min = base + random.nextInt(3) * 1_000_000L; // few distinct times: many ties
            long first = random.nextInt(50);
            segments.add(new SegmentKey(tenant, min, min + random.nextInt(3), random.nextInt(3), first, first + random.nextInt(3)));
        }
        List<SegmentKey> byKeyString = new ArrayList<>(segments);
        byKeyString.sort(byFormattedKey(segments));
        List<SegmentKey> byFields = new ArrayList<>(segments);
        byFields.sort(SegmentKey.KEY_ORDER);
        assertThat(byKeyString).isEqualTo(byFields);
    }

    @RepeatedTest(5)
    void markKeysSortByTheirPoint(RepetitionInfo run) {
        Random random = new Random(3000L + run.getCurrentRepetition());
        TenantId tenant = tenant(random);
        List<DurableMarkKey> marks = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            marks.add(new DurableMarkKey(tenant, time(random), random.nextInt(64), random.nextLong() & Long.MAX_VALUE));
        }
        List<String> byPoint = marks.stream().sorted(Comparator.comparingLong(DurableMarkKey::pointMicros))
                .map(k -> BackupLayout.mark(k).value()).toList();
        // random microsecond points practically never tie, so the point is the whole order, as S3 compares
        assertThat(byPoint).isSorted();
        long from = marks.get(0).pointMicros();
        ObjectKey after = BackupLayout.marksStartAfter(tenant, from);
        for (DurableMarkKey k : marks) {
            assertThat(BackupLayout.mark(k).value().compareTo(after.value()) > 0).as("%s after %s", k, after).isEqualTo(k.pointMicros() >= from);
        }
    }

    /** Sorts by the formatted key, formatting each key once. */
    private static Comparator<SegmentKey> byFormattedKey(List<SegmentKey> segments) {
        java.util.Map<SegmentKey, ObjectKey> formatted = new java.util.HashMap<>();
        segments.forEach(k -> formatted.put(k, BackupLayout.segment(k)));
        return Comparator.comparing(formatted::get);
    }

    private static SegmentKey segment(Random random, TenantId tenant) {
        long min = time(random);
        long max = Math.min(KeyTime.MAX_MICROS, min + (long) (random.nextDouble() * 3_600_000_000L));
        long first = random.nextInt(4) == 0 ? Long.MAX_VALUE - random.nextInt(1000) : (long) (random.nextDouble() * 1e12);
        long last = first + (long) (random.nextDouble() * (Long.MAX_VALUE - first));
        int partition = random.nextInt(4) == 0 ? Integer.MAX_VALUE : random.nextInt(64);
        return new SegmentKey(tenant, min, max, partition, first, last);
    }

    private static long time(Random random) {
        return random.nextInt(10) == 0 ? (long) (random.nextDouble() * KeyTime.MAX_MICROS)
                : 1_700_000_000_000_000L + (long) (random.nextDouble() * 400_000_000_000_000L);
    }

    private static BaseCut cut(Random random) {
        return new BaseCut(time(random), random.nextLong() & Long.MAX_VALUE);
    }

    private static TenantId tenant(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        StringBuilder s = new StringBuilder("t");
        int length = random.nextInt(TenantId.MAX_LENGTH);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return TenantId.of(s.toString());
    }

    private static String table(Random random) {
        StringBuilder s = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(random.nextInt(3) == 0 ? 0x20 + random.nextInt(0x2FF) : 'a' + random.nextInt(26));
        }
        return s.toString();
    }
}
