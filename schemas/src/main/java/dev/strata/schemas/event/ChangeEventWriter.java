package dev.strata.schemas.event;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import dev.strata.schemas.avro.Unsent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Writes a {@link ChangeEvent} in Avro binary, field by field, for the schema it was written for
 * ({@link #WRITTEN_FOR}). Why: Avro's generic writer resolves every field, union branch and string
 * through its schema on each event, and capture encodes every change; this writes Avro's bytes
 * directly, but for one choice Avro's spec leaves to the writer: a row image's array block carries
 * its byte size (a negative count, then the size), so that a reader that wants only the key (a
 * rollback's staging, a restore's superseded changes) passes over the image whole instead of walking
 * its columns. Any Avro reader reads both forms (ChangeEventWriterTest reads every kind of event and
 * value back with Avro's own); the sink's peek still walks the items, and refuses a block they do not
 * fill exactly.
 *
 * <p>Returns null, and the caller uses Avro's writer, for what it does not know: another schema
 * (so a new ChangeEvent version is never written wrongly, only slower until this is updated), a
 * required field that is null, or a column value of a type the union has no branch for (Avro's
 * writer then reports it). Not thread-safe: one per thread.
 */
final class ChangeEventWriter {
    /** The parsing fingerprint of the ChangeEvent schema (v5) this writes; see the class comment. */
    static final long WRITTEN_FOR = 0x31a4ee075cb6d1a8L;
    private static final int NULL_BRANCH = 0;
    private static final int VALUE_BRANCH = 1;
    private static final int BOOLEAN = 1;
    private static final int LONG = 2;
    private static final int DOUBLE = 3;
    private static final int STRING = 4;
    private static final int BYTES = 5;
    private static final int UNSENT = 6;

    private final byte[] header;
    private byte[] buffer = new byte[1024];
    private int position;
    /** A sized block's header (two varints) while the block's items move up to make room for it. */
    private final byte[] sizeHeader = new byte[20];

    /** Thrown inside, never out: the event is one this writer leaves to Avro. */
    private static final class NotWritable extends RuntimeException {
        NotWritable() {
            super(null, null, false, false);
        }
    }

    private static final NotWritable NOT_WRITABLE = new NotWritable();

    /** @param header the single-object header to start every event with */
    ChangeEventWriter(byte[] header) {
        this.header = header.clone();
    }

    static boolean writes(Schema schema) {
        return ReleasedSchemaStore.fingerprint(schema) == WRITTEN_FOR;
    }

    /** The header and the event's Avro binary; null when Avro's writer must write it (see the class comment). */
    byte[] write(ChangeEvent event) {
        position = 0;
        try {
            fixed(header);
            string(event.getTenant());
            string(event.getSource());
            string(event.getTable());
            Op op = required(event.getOp());
            varint(op.ordinal());
            varint(event.getCommitTsMicros());
            varint(event.getLsn());
            varint(event.getTxId());
            varint(event.getTxOrder());
            columns(event.getKey(), false);
            columns(event.getBefore(), true);
            columns(event.getAfter(), true);
            string(event.getEventId());
            checkpoint(event.getCheckpoint());
            optionalLong(event.getCutTsMicros());
            optionalLong(event.getPreviousCommitLsn());
            optionalString(event.getTableDefinition());
            optionalLong(event.getCommitLsn());
        } catch (NotWritable leftToAvro) {
            return null;
        }
        return Arrays.copyOf(buffer, position);
    }

    /**
     * @param sized whether the array's block carries its byte size (Avro's negative count, then the size): a row image, which a
     *     reader that wants only the key can then pass over without walking its columns. The key's block has none: it is
     *     read whenever an event is.
     */
    private void columns(List<Column> columns, boolean sized) {
        if (columns == null) {
            varint(NULL_BRANCH);
            return;
        }
        varint(VALUE_BRANCH);
        if (!columns.isEmpty()) {
            if (!sized) {
                varint(columns.size());
            }
            int start = position;
            for (Column column : columns) {
                string(column.getName());
                string(column.getPgType());
                value(column.getValue());
            }
            if (sized) {
                sizeBlock(start, columns.size());
            }
        }
        varint(0);
    }

    /** Puts Avro's header of a block with its byte size (its count negated, then its size) before the items written from {@code start}. */
    private void sizeBlock(int start, int count) {
        int end = position;
        varint(-count);
        varint(end - start);
        int header = position - end;
        System.arraycopy(buffer, end, sizeHeader, 0, header);
        System.arraycopy(buffer, start, buffer, start + header, end - start);
        System.arraycopy(sizeHeader, 0, buffer, start, header);
    }

    private void value(Object value) {
        if (value == null) {
            varint(NULL_BRANCH);
        } else if (value instanceof Boolean bool) {
            varint(BOOLEAN);
            room(1);
            buffer[position++] = (byte) (bool ? 1 : 0);
        } else if (value instanceof Long number) {
            varint(LONG);
            varint(number);
        } else if (value instanceof Double number) {
            varint(DOUBLE);
            long bits = Double.doubleToRawLongBits(number);
            room(8);
            for (int i = 0; i < 8; i++) {
                buffer[position++] = (byte) (bits >>> (8 * i));
            }
        } else if (value instanceof String text) {
            varint(STRING);
            string(text);
        } else if (value instanceof ByteBuffer bytes) {
            varint(BYTES);
            ByteBuffer view = bytes.duplicate();
            varint(view.remaining());
            room(view.remaining());
            int length = view.remaining();
            view.get(buffer, position, length);
            position += length;
        } else if (value instanceof Unsent unsent) {
            varint(UNSENT);
            varint(unsent.ordinal());
        } else {
            throw NOT_WRITABLE; // a type the union has no branch for: Avro's writer names it
        }
    }

    private void checkpoint(Checkpoint checkpoint) {
        if (checkpoint == null) {
            varint(NULL_BRANCH);
            return;
        }
        varint(VALUE_BRANCH);
        string(checkpoint.getSnapshot());
        List<TableCheckpoint> tables = required(checkpoint.getTables());
        if (!tables.isEmpty()) {
            varint(tables.size());
            for (TableCheckpoint table : tables) {
                string(table.getTable());
                varint(table.getRowCount());
                string(table.getChecksum());
            }
        }
        varint(0);
    }

    private void optionalLong(Long value) {
        if (value == null) {
            varint(NULL_BRANCH);
        } else {
            varint(VALUE_BRANCH);
            varint(value);
        }
    }

    private void optionalString(String value) {
        if (value == null) {
            varint(NULL_BRANCH);
        } else {
            varint(VALUE_BRANCH);
            string(value);
        }
    }

    /** Avro's string: its UTF-8 length, then the bytes (an ASCII string is copied without an intermediate array). */
    private void string(String text) {
        required(text);
        int length = text.length();
        room(5 + length);
        int start = position;
        varint(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                position = start;
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                varint(utf8.length);
                fixed(utf8);
                return;
            }
            buffer[position++] = (byte) c;
        }
    }

    private void fixed(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    /** Avro's int and long: zig-zag, then 7 bits a byte, low first. */
    private void varint(long value) {
        room(10);
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        buffer[position++] = (byte) zigZag;
    }

    private void room(int bytes) {
        if (position + bytes > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + bytes));
        }
    }

    private static <T> T required(T value) {
        if (value == null) {
            throw NOT_WRITABLE; // Avro's writer names the field
        }
        return value;
    }
}
