package dev.strata.schemas.event;

import dev.strata.schemas.avro.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The Kafka wire format of a {@link ChangeEvent}: Avro single-object encoding ({@code C3 01}, the
 * writer schema's CRC-64-AVRO fingerprint little-endian, then Avro binary as {@link ChangeEventWriter}
 * writes it, each row image's array block with its byte size; an event it leaves to Avro's writer has none). Decoding resolves any
 * released writer schema to the current one. Thread-safe.
 */
public final class ChangeEventCodec {

    /** The single-object header's length: the Avro binary of the event follows it. */
    public static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    private final ReleasedSchemaStore schemas;
    private final BinaryMessageEncoder<ChangeEvent> encoder;
    /** The fast path for the current schema, one writer per thread; null if ChangeEventWriter does not write this schema. */
    private final ThreadLocal<ChangeEventWriter> writers;
    private final Map<Long, DatumReader<ChangeEvent>> readers = new ConcurrentHashMap<>();

    public ChangeEventCodec() {
        this(ReleasedSchemaStore.load());
    }

    public ChangeEventCodec(ReleasedSchemaStore schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
        this.encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(ChangeEvent.class), ChangeEvent.getClassSchema());
        byte[] header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC_0).put(MAGIC_1)
                .putLong(ReleasedSchemaStore.fingerprint(ChangeEvent.getClassSchema())).array();
        this.writers = ChangeEventWriter.writes(ChangeEvent.getClassSchema()) ? ThreadLocal.withInitial(() -> new ChangeEventWriter(header))
                : null;
    }

    public byte[] encode(ChangeEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] written = writers == null ? null : writers.get().write(event);
        if (written != null) {
            return written;
        }
        try {
            ByteBuffer buffer = encoder.encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode change event " + event.getEventId() + ": " + e.getMessage(), e);
        } catch (NullPointerException e) {
            // Avro's message names the field; the event id tells the caller which change it was
            throw new IllegalArgumentException("cannot encode change event " + event.getEventId()
                    + ": a required field is null (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @throws UndecodableEventException if the bytes are not single-object encoded, name an unknown
     *     schema, or hold a malformed body
     */
    public ChangeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new UndecodableEventException(UndecodableEventException.Reason.NOT_SINGLE_OBJECT_ENCODED,
                    "the record has no value (null)");
        }
        long fingerprint = readHeader(bytes);
        DatumReader<ChangeEvent> reader = readers.computeIfAbsent(fingerprint, this::readerFor);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        ChangeEvent event;
        try {
            event = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw malformed(fingerprint, "bytes remain after the event", null);
            }
        } catch (IOException e) {
            throw malformed(fingerprint, e.toString(), e);
        } catch (UndecodableEventException e) {
            throw e;
        } catch (RuntimeException e) {
            // Untrusted bytes: Avro reports corrupt input with assorted runtime exceptions (negative
            // lengths, bad union indexes, system limits); all of them mean the same thing here.
            throw malformed(fingerprint, e.toString(), e);
        }
        return event;
    }

    /** The fingerprint of the schema the bytes were written with, without decoding the body. */
    public long writerFingerprint(byte[] bytes) {
        return readHeader(bytes);
    }

    private long readHeader(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH) {
            throw new UndecodableEventException(UndecodableEventException.Reason.NOT_SINGLE_OBJECT_ENCODED,
                    "only " + bytes.length + " bytes; a single-object encoded event has a " + HEADER_LENGTH + "-byte header");
        }
        if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new UndecodableEventException(UndecodableEventException.Reason.NOT_SINGLE_OBJECT_ENCODED,
                    String.format(Locale.ROOT, "starts with %02X %02X, not the single-object header C3 01", bytes[0], bytes[1]));
        }
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private DatumReader<ChangeEvent> readerFor(long fingerprint) {
        Schema writer = schemas.findByFingerprint(fingerprint);
        if (writer == null) {
            throw new UndecodableEventException(UndecodableEventException.Reason.UNKNOWN_SCHEMA,
                    "writer schema fingerprint " + ReleasedSchemaStore.hex(fingerprint)
                            + " is not a released ChangeEvent schema (known: " + schemas.describe()
                            + "); upgrade this reader if the producer is newer");
        }
        return new SpecificDatumReader<>(writer, ChangeEvent.getClassSchema(), SpecificData.getForClass(ChangeEvent.class));
    }

    private static UndecodableEventException malformed(long fingerprint, String detail, Throwable cause) {
        return new UndecodableEventException(UndecodableEventException.Reason.MALFORMED_BODY,
                "body written with schema " + ReleasedSchemaStore.hex(fingerprint) + " is malformed: " + detail, cause);
    }
}
