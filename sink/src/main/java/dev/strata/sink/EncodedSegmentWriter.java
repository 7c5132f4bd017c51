package dev.strata.sink;

import dev.strata.schemas.CountingDigestStream;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.segment.SegmentSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes a segment in exactly the format of schemas' {@code SegmentWriter} (Avro OCF, zstd, sync
 * marker from the first event, same block boundaries), byte for byte, but takes events in the
 * current schema as their wire bytes ({@code appendEncoded}) instead of decoding and re-encoding
 * them: Avro's binary encoding is canonical, so the bytes are the same either way (proven by
 * EncodedSegmentWriterTest against SegmentWriter). Candidate to move into SegmentWriter as an
 * {@code appendEncoded} method; until then this class must follow SegmentWriter's settings.
 */
final class EncodedSegmentWriter implements AutoCloseable {
    /** The same domain string as SegmentWriter: the sync marker is part of the bytes. */
    private static final byte[] SYNC_DOMAIN = "strata-segment-sync-v1".getBytes(StandardCharsets.UTF_8);

    private final CountingDigestStream out;
    private final DataFileWriter<ChangeEvent> writer;
    private boolean started;
    private boolean finished;
    private long eventCount;
    private long minCommitMicros = Long.MAX_VALUE;
    private long maxCommitMicros = Long.MIN_VALUE;

    EncodedSegmentWriter(OutputStream out, int zstdLevel) {
        this.out = new CountingDigestStream(out);
        this.writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChangeEvent.getClassSchema(), SpecificData.getForClass(ChangeEvent.class)));
        this.writer.setCodec(CodecFactory.zstandardCodec(zstdLevel, true));
    }

    void append(EventView event) {
        if (finished) {
            throw new IllegalStateException("segment already finished: open a new one for the event of tenant " + event.tenant());
        }
        try {
            if (!started) {
                writer.create(ChangeEvent.getClassSchema(), out, syncMarkerFor(event.event()));
                started = true;
            }
            if (event.hasCurrentWire()) {
                byte[] wire = event.wire();
                writer.appendEncoded(ByteBuffer.wrap(wire, EventView.WIRE_HEADER, wire.length - EventView.WIRE_HEADER));
            } else {
                writer.append(event.event());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an event of tenant " + event.tenant() + " to the segment: " + e.getMessage(), e);
        }
        eventCount++;
        minCommitMicros = Math.min(minCommitMicros, event.commitMicros());
        maxCommitMicros = Math.max(maxCommitMicros, event.commitMicros());
    }

    long eventCount() {
        return eventCount;
    }

    /** Bytes handed to the output so far; trails the events appended by at most one Avro block. */
    long bytesWritten() {
        return out.count();
    }

    SegmentSummary finish() {
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
