package dev.strata.schemas.segment;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.avro.ChangeEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads a segment's events as the current ChangeEvent, whatever released schema wrote it: the file
 * carries its writer schema and Avro resolves it to the reader's.
 *
 * <p>Every read is of bytes checked whole against the segment's SHA-256 (from the manifest, or the
 * object's declared checksum for an unsealed hour), because Avro's DataFileStream treats a truncated
 * file as a shorter one: it stops at the last whole block without any error, so a cut segment would
 * silently lose events. Bytes in memory are checked before the first event, unless the caller has
 * checked them already ({@link #openChecked}: as fetched, or opened from their seal); a stream is
 * hashed as it is read and checked when the last event has been read (so the caller must not act on
 * the events until {@link #hasNext()} has returned false without an exception).
 */
public final class SegmentReader implements Iterator<ChangeEvent>, AutoCloseable {

    private final DataFileStream<ChangeEvent> stream;
    private final DigestInputStream hashed;
    private final Sha256 expected;
    private final String source;
    private boolean verified;

    /** {@code hashed} and {@code expected} null: bytes checked before, nothing to hash. */
    private SegmentReader(DataFileStream<ChangeEvent> stream, DigestInputStream hashed, Sha256 expected, String source) {
        this.stream = stream;
        this.hashed = hashed;
        this.expected = expected;
        this.source = source;
        this.verified = hashed == null;
    }

    /**
     * @param expected the segment's SHA-256
     * @param source names the segment in error messages, e.g. its object key
     */
    public static SegmentReader open(InputStream in, Sha256 expected, String source) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(expected, "expected");
        DigestInputStream hashed = new DigestInputStream(in, Sha256.newDigest());
        return open(hashed, hashed, expected, source);
    }

    public static SegmentReader open(byte[] bytes, Sha256 expected, String source) {
        return openChecked(check(bytes, expected, source), source);
    }

    /**
     * Reads bytes already checked whole: matched to their SHA-256 as they were fetched, or opened from their seal,
     * which authenticates every chunk and the end. Hashing them again here could not fail.
     */
    public static SegmentReader openChecked(byte[] bytes, String source) {
        return open(new ByteArrayInputStream(bytes), null, null, source);
    }

    public static List<ChangeEvent> readAll(byte[] bytes, Sha256 expected, String source) {
        return readAllChecked(check(bytes, expected, source), source);
    }

    /** As {@link #openChecked}: every event of bytes already checked whole. */
    public static List<ChangeEvent> readAllChecked(byte[] bytes, String source) {
        List<ChangeEvent> events = new ArrayList<>();
        try (SegmentReader reader = openChecked(bytes, source)) {
            reader.forEachRemaining(events::add);
        }
        return events;
    }

    private static byte[] check(byte[] bytes, Sha256 expected, String source) {
        Objects.requireNonNull(expected, "expected");
        Sha256 actual = Sha256.of(bytes);
        if (!actual.equals(expected)) {
            throw mismatch(source, expected, actual);
        }
        return bytes;
    }

    private static SegmentReader open(InputStream in, DigestInputStream hashed, Sha256 expected, String source) {
        SpecificDatumReader<ChangeEvent> reader = new SpecificDatumReader<>(
                ChangeEvent.getClassSchema(), ChangeEvent.getClassSchema(), SpecificData.getForClass(ChangeEvent.class));
        try {
            return new SegmentReader(new DataFileStream<>(in, reader), hashed, expected, source);
        } catch (IOException | AvroRuntimeException e) {
            throw new UnreadableSegmentException("segment " + source + " is not an Avro object container file: " + e, e);
        }
    }

    /** The schema the segment was written with. */
    public Schema writerSchema() {
        return stream.getSchema();
    }

    @Override
    public boolean hasNext() {
        boolean more;
        try {
            more = stream.hasNext();
        } catch (AvroRuntimeException e) {
            throw corrupt(e);
        }
        if (!more) {
            verifyWholeStream();
        }
        return more;
    }

    @Override
    public ChangeEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("segment " + source + " has no more events");
        }
        try {
            return stream.next();
        } catch (AvroRuntimeException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            throw corrupt(e);
        }
    }

    /** Hashes whatever Avro left unread (a truncated last block, trailing bytes) and compares. */
    private void verifyWholeStream() {
        if (verified) {
            return;
        }
        try {
            byte[] rest = new byte[8192];
            while (hashed.read(rest) >= 0) {
                // only hashing
            }
        } catch (IOException e) {
            throw corrupt(e);
        }
        Sha256 actual = Sha256.fromDigest(hashed.getMessageDigest().digest());
        if (!actual.equals(expected)) {
            throw mismatch(source, expected, actual);
        }
        verified = true;
    }

    private static UnreadableSegmentException mismatch(String source, Sha256 expected, Sha256 actual) {
        return new UnreadableSegmentException("segment " + source + " has SHA-256 " + actual + ", not the expected " + expected
                + ": it is truncated or altered; read it from the other region or its first version", null);
    }

    private UnreadableSegmentException corrupt(Exception e) {
        return new UnreadableSegmentException("segment " + source + " cannot be read: " + e
                + " (its SHA-256 matched, so its schema may be newer than this reader: upgrade the tool)", e);
    }
}
