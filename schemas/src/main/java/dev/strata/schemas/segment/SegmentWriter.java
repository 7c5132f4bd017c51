package dev.strata.schemas.segment;

import dev.strata.schemas.CountingDigestStream;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.CutTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes ChangeEvents as one segment: an Avro object container file, zstd-compressed, carrying
 * its writer schema so that a restore needs nothing but the file.
 *
 * <p>Deterministic: the same events give the same bytes. Keys are derived from Kafka offsets and a
 * retried upload must write the same bytes under the same key, or the store reports a conflict.
 * Avro would pick a random 16-byte sync marker, so the marker is derived from the first event
 * instead, and the header is written only when that event arrives. (Bytes also depend on the
 * zstd-jni version, and those of an event the sink encodes itself (one of an older schema on the wire)
 * on the codec's form, which gave the row images byte sizes in this release: upgrading a sink between
 * a crash and its retry can raise a false conflict.)
 *
 * <p>Not thread-safe: one writer per open segment.
 */
public final class SegmentWriter implements AutoCloseable {

    public static final int DEFAULT_ZSTD_LEVEL = 3;
    /** Thread-safe; encodes as capture's producer does. */
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();
    private static final byte[] SYNC_DOMAIN = "strata-segment-sync-v1".getBytes(StandardCharsets.UTF_8);

    private final CountingDigestStream out;
    private final DataFileWriter<ChangeEvent> writer;
    private boolean started;
    private boolean finished;
    private long eventCount;
    private long minCommitMicros = Long.MAX_VALUE;
    private long maxCommitMicros = Long.MIN_VALUE;

    /** Writes to {@code out}; {@link #finish()} closes it. */
    public SegmentWriter(OutputStream out) {
        this(out, DEFAULT_ZSTD_LEVEL);
    }

    public SegmentWriter(OutputStream out, int zstdLevel) {
        this.out = new CountingDigestStream(Objects.requireNonNull(out, "out"));
        SpecificDatumWriter<ChangeEvent> datumWriter =
                new SpecificDatumWriter<>(ChangeEvent.getClassSchema(), SpecificData.getForClass(ChangeEvent.class));
        this.writer = new DataFileWriter<>(datumWriter);
        this.writer.setCodec(CodecFactory.zstandardCodec(zstdLevel, true));
    }

    /** Writes {@code events} into one in-memory segment. */
    public static Segment encode(Iterable<ChangeEvent> events) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SegmentSummary summary;
        try (SegmentWriter writer = new SegmentWriter(buffer)) {
            for (ChangeEvent event : events) {
                writer.append(event);
            }
            summary = writer.finish();
        }
        return new Segment(buffer.toByteArray(), summary);
    }

    /**
     * Appends an event, as the producer's codec encodes it ({@link ChangeEventCodec}): the same bytes as
     * {@link #appendEncoded} of the wire bytes this release's capture writes for it, so that a segment cut again from decoded
     * events holds what one cut from the wire held (not for wire bytes of a capture older than the row images' sizes,
     * which are kept as they came).
     */
    public void append(ChangeEvent event) {
        Objects.requireNonNull(event, "event");
        if (finished) {
            throw new IllegalStateException("segment already finished: open a new SegmentWriter for event " + event.getEventId());
        }
        byte[] wire;
        try {
            wire = CODEC.encode(event);
        } catch (IllegalArgumentException | UncheckedIOException | AvroRuntimeException e) { // Avro's: a value outside the union
            throw new IllegalArgumentException("cannot write event " + event.getEventId() + " to the segment: " + e.getMessage(), e);
        }
        appendEncoded(ByteBuffer.wrap(wire, ChangeEventCodec.HEADER_LENGTH, wire.length - ChangeEventCodec.HEADER_LENGTH),
                CutTime.of(event), () -> event);
    }

    /**
     * Appends an event of the current schema given as its Avro binary datum (its single-object wire
     * bytes without the header), without decoding and re-encoding it: the sink's hot path. This release's codec
     * wrote them as {@link #append} writes a decoded event (its row images' array blocks with their byte sizes); an older
     * capture's bytes, without the sizes, are kept as they are, and read alike.
     *
     * @param commitMicros the event's {@link CutTime cut time} (for the segment's summary)
     * @param decoded the event itself, asked for only when it is the segment's first (its sync marker)
     */
    public void appendEncoded(ByteBuffer datum, long commitMicros, Supplier<ChangeEvent> decoded) {
        if (finished) {
            throw new IllegalStateException("segment already finished: open a new SegmentWriter for the next event");
        }
        try {
            if (!started) {
                writer.create(ChangeEvent.getClassSchema(), out, syncMarkerFor(decoded.get()));
                started = true;
            }
            writer.appendEncoded(datum);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an encoded event to the segment: " + e.getMessage(), e);
        }
        eventCount++;
        minCommitMicros = Math.min(minCommitMicros, commitMicros);
        maxCommitMicros = Math.max(maxCommitMicros, commitMicros);
    }

    public long eventCount() {
        return eventCount;
    }

    /** Bytes handed to the output so far; trails the events appended by at most one Avro block. */
    public long bytesWritten() {
        return out.count();
    }

    /** Flushes the last block, closes the output and says what the segment holds. */
    public SegmentSummary finish() {
        if (eventCount == 0) {
            throw new IllegalStateException("a segment holds at least one event: append one before finish()");
        }
        if (!finished) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish the segment: " + e.getMessage(), e);
            }
            finished = true;
        }
        return new SegmentSummary(out.sha256(), out.count(), eventCount, minCommitMicros, maxCommitMicros);
    }

    /** Abandons an unfinished segment (e.g. on partition revocation) and releases the output. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            try {
                if (started) {
                    writer.close();
                } else {
                    out.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the segment output: " + e.getMessage(), e);
            }
        }
    }

    /** Any 16 bytes serve as a sync marker; these depend only on the first event's identity. */
    private static byte[] syncMarkerFor(ChangeEvent first) {
        MessageDigest md = Sha256.newDigest();
        md.update(SYNC_DOMAIN);
        md.update((byte) 0);
        md.update(first.getTenant().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(first.getEventId().getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(md.digest(), 16);
    }
}
