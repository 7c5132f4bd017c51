package dev.strata.restore.bench;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.FastSegmentDecoder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * bench/decode: the CPU of the segment decoder alone, no server: one segment of the restore bench's rows (50,000 UPDATEs of
 * 8 columns, as the end of the log the rollback bench reads), decoded whole (a restore) and walked with a key interest that
 * wants one key in 128 and no shapes (a rollback's staging), again and again in one JVM. Two forms of the same events: as
 * the sink writes them (each row image's array block with its byte size, passed over whole) and as Avro's own writer does
 * (every segment stored before the sizes: walked column by column). Prints the median time per segment of each, after
 * warm-up, in turn so that both see the same machine.
 */
public final class DecodeBenchmark {
    private static final int EVENTS = 50_000;
    private static final int WARM_ROUNDS = 30;
    private static final int ROUNDS = 40;

    private DecodeBenchmark() {
    }

    public static void main(String[] args) {
        List<ChangeEvent> events = updates();
        byte[] sized = SegmentWriter.encode(events).bytes();
        byte[] unsized = avroWriter(events);
        System.out.printf(Locale.ROOT, "one segment of %,d UPDATEs: %,d bytes with the row images' sizes, %,d without%n", EVENTS,
                sized.length, unsized.length);
        Decoder[] decoders = {
            new Decoder("decode whole, sizes", sized, false), new Decoder("decode whole, no sizes", unsized, false),
            new Decoder("walk for 1 key in 128, sizes", sized, true), new Decoder("walk for 1 key in 128, no sizes", unsized, true)};
        for (int round = 0; round < WARM_ROUNDS + ROUNDS; round++) {
            for (Decoder decoder : decoders) {
                decoder.run(round >= WARM_ROUNDS);
            }
        }
        for (int i = 0; i < decoders.length; i += 2) {
            if (decoders[i].changes != decoders[i + 1].changes) {
                throw new IllegalStateException(decoders[i].name + " handed over " + decoders[i].changes + " changes in all, "
                        + decoders[i + 1].name + " " + decoders[i + 1].changes + ": the two forms must read alike");
            }
        }
        for (Decoder decoder : decoders) {
            System.out.printf(Locale.ROOT, "%-32s %6.2f ms per segment (median of %d; min %.2f, max %.2f)%n", decoder.name,
                    decoder.median(), ROUNDS, decoder.min(), decoder.max());
        }
        double decodeRatio = decoders[0].median() / decoders[1].median();
        double walkRatio = decoders[2].median() / decoders[3].median();
        System.out.println();
        System.out.println("README row:");
        System.out.printf(Locale.ROOT, "| segment decoder alone: one segment of %,d UPDATEs (8 columns), with the row images' byte sizes vs"
                + " without (Avro's writer), median of %d after %d rounds of warm-up | | decode whole %.2f vs %.2f ms (%.2fx); walk for 1 key"
                + " in 128 %.2f vs %.2f ms (%.2fx) | `bench/decode` |%n", EVENTS, ROUNDS, WARM_ROUNDS, decoders[0].median(),
                decoders[1].median(), decodeRatio, decoders[2].median(), decoders[3].median(), walkRatio);
    }

    /** The restore bench's rows at the end of its log: the second cycle of updates. */
    private static List<ChangeEvent> updates() {
        BenchRows rows = new BenchRows(1_000_000, BenchRows.CREATED_BASE, 3_600_000_000L);
        List<ChangeEvent> events = new ArrayList<>(EVENTS);
        long[] seen = {0};
        long from = 2_000_000;
        rows.forEach(event -> {
            if (seen[0]++ >= from && events.size() < EVENTS) {
                events.add(event);
            }
        });
        return events;
    }

    private static byte[] avroWriter(List<ChangeEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<ChangeEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChangeEvent.class))) {
            writer.setCodec(org.apache.avro.file.CodecFactory.zstandardCodec(SegmentWriter.DEFAULT_ZSTD_LEVEL, true));
            writer.create(ChangeEvent.getClassSchema(), out);
            for (ChangeEvent event : events) {
                writer.append(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One way of reading one segment, timed per round. */
    private static final class Decoder {
        private final String name;
        private final byte[] segment;
        private final boolean walk;
        private final double[] millis = new double[ROUNDS];
        private int timed;
        private long changes;

        Decoder(String name, byte[] segment, boolean walk) {
            this.name = name;
            this.segment = segment;
            this.walk = walk;
        }

        void run(boolean time) {
            FastSegmentDecoder decoder = new FastSegmentDecoder(TenantId.of(BenchRows.TENANT), new ShapeCatalog(), Long.MAX_VALUE);
            long start = System.nanoTime();
            FastSegmentDecoder.Counts counts = decoder.decode(segment, name, op -> changes++, walk ? new OneIn128() : null);
            long took = System.nanoTime() - start;
            if (counts == null || counts.events() != EVENTS) {
                throw new IllegalStateException(name + ": the fast decoder read " + counts + ", not " + EVENTS + " events");
            }
            if (time) {
                millis[timed++] = took / 1e6;
            }
        }

        double median() {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return sorted[ROUNDS / 2];
        }

        double min() {
            return Arrays.stream(millis).min().orElseThrow();
        }

        double max() {
            return Arrays.stream(millis).max().orElseThrow();
        }
    }

    /** Wants the keys whose last value byte is a multiple of 128, and no shapes: a rollback's staging once a table's shape is known. */
    private static final class OneIn128 implements KeyInterest {
        @Override
        public boolean wants(int tableId, byte[] key, int length) {
            return (key[length - 1] & 0x7f) == 0;
        }

        @Override
        public boolean shapeNeeded(int tableId) {
            return false;
        }

        @Override
        public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
            // the walk is what is timed
        }
    }
}
