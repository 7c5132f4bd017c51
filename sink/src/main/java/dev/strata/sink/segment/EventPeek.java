package dev.strata.sink.segment;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads what the sink needs from a routed record without building the event: the tenant, whether
 * it is a heartbeat, commit time and LSN are the first fields of the current schema, then the cut
 * time after the fields before it, and the rest is walked (not built) to
 * check that the body is a whole, well-formed datum before its bytes go into a backup ({@link StrictSkip}: a row image's
 * block that gives its byte size is walked item by item too, and must hold exactly its items). Decoding and
 * re-encoding every event was most of the sink's CPU (about 7 us of 8 per event here). Records of
 * an older released schema are decoded as usual. Not thread-safe (one per poll thread).
 */
public final class EventPeek {
    private static final long CURRENT = SchemaNormalization.parsingFingerprint64(ChangeEvent.getClassSchema());
    private static final int HEARTBEAT = Op.HEARTBEAT.ordinal();
    private static final List<Schema.Field> FIELDS = ChangeEvent.getClassSchema().getFields();
    private static final int CUT = ChangeEvent.getClassSchema().getField("cutTsMicros").pos();
    /** The fields after tenant, source, table, op, commitTsMicros and lsn and before cutTsMicros: walked to validate, in order. */
    private static final List<Schema> MIDDLE = FIELDS.subList(6, CUT).stream().map(Schema.Field::schema).toList();
    /** Which of {@link #MIDDLE} are a key or a row image: walked by {@link StrictSkip#skipColumns}. */
    private static final boolean[] COLUMN_LISTS = columnLists();
    /** The fields after cutTsMicros (v4 previousCommitLsn and tableDefinition): walked to validate. */
    private static final List<Schema> TAIL = FIELDS.subList(CUT + 1, FIELDS.size()).stream().map(Schema.Field::schema).toList();

    private final ChangeEventCodec codec;
    private BinaryDecoder decoder;
    private final StrictSkip strict = new StrictSkip();

    public EventPeek(ChangeEventCodec codec) {
        this.codec = codec;
        List<String> order = FIELDS.stream().map(Schema.Field::name).limit(6).toList();
        if (!order.equals(List.of("tenant", "source", "table", "op", "commitTsMicros", "lsn"))
                || !FIELDS.get(CUT).schema().equals(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG)))) {
            throw new IllegalStateException("ChangeEvent's first fields changed to " + order + " or cutTsMicros is no longer an optional"
                    + " long: update EventPeek to read them");
        }
    }

    private static boolean[] columnLists() {
        StrictSkip.requireColumnLayout();
        boolean[] lists = new boolean[MIDDLE.size()];
        for (int i = 0; i < lists.length; i++) {
            lists[i] = MIDDLE.get(i).equals(StrictSkip.COLUMNS);
        }
        return lists;
    }

    /** @throws UndecodableEventException as {@link ChangeEventCodec#decode} does */
    public EventView peek(byte[] wire) {
        if (wire == null || wire.length < EventView.WIRE_HEADER || codec.writerFingerprint(wire) != CURRENT) {
            return EventView.of(codec.decode(wire));
        }
        decoder = DecoderFactory.get().binaryDecoder(wire, EventView.WIRE_HEADER, wire.length - EventView.WIRE_HEADER, decoder);
        try {
            String tenant = decoder.readString();
            decoder.skipString();
            decoder.skipString();
            boolean heartbeat = decoder.readEnum() == HEARTBEAT;
            long commitMicros = decoder.readLong();
            long lsn = decoder.readLong();
            int length = wire.length - EventView.WIRE_HEADER;
            for (int i = 0; i < MIDDLE.size(); i++) {
                if (COLUMN_LISTS[i]) {
                    strict.skipColumns(decoder, length);
                } else {
                    strict.skip(MIDDLE.get(i), decoder, length);
                }
            }
            long cutMicros = decoder.readIndex() == 1 ? decoder.readLong() : commitMicros;
            for (Schema field : TAIL) {
                strict.skip(field, decoder, length);
            }
            if (!decoder.isEnd()) {
                throw new UndecodableEventException(UndecodableEventException.Reason.MALFORMED_BODY, "bytes remain after the event");
            }
            return EventView.ofCurrentWire(tenant, heartbeat, cutMicros, lsn, wire, codec);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableEventException undecodable) {
                throw undecodable;
            }
            // Untrusted bytes: Avro reports corrupt input with assorted exceptions; the full decode names the problem.
            return EventView.of(codec.decode(wire));
        }
    }
}
