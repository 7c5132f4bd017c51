package dev.strata.production.soak;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.util.List;
import java.util.Optional;

/**
 * What one committed row change is, whoever delivered it and under which event id: its table, row, kind and the row's
 * version after it (rows carry a version column that each update raises; a row is deleted at most once and its id
 * never reused). Packed into a long so that a 10-minute run's million changes fit in the driver: bit 62 the table,
 * bits 60-61 the kind, bits 20-59 the row id, bits 0-19 the version.
 */
final class ChangeId {
    static final String ORDERS = "orders";
    static final String MARKERS = "markers";
    private static final long MAX_ID = 1L << 40;
    private static final long MAX_VERSION = 1L << 20;

    private ChangeId() {
    }

    static long of(String table, Op op, long id, long version) {
        if (id < 0 || id >= MAX_ID || version < 0 || version >= MAX_VERSION) {
            throw new IllegalArgumentException("row id " + id + " or version " + version + " out of the packed range");
        }
        long tableBit = table.equals(MARKERS) ? 1L << 62 : 0;
        long kind = switch (op) {
            case CREATE -> 0;
            case UPDATE -> 1;
            case DELETE -> 2;
            default -> throw new IllegalArgumentException("not a row change: " + op);
        };
        return tableBit | kind << 60 | id << 20 | version;
    }

    /** The change an event of the log carries, or empty for what is not a row change (DDL, COMMIT, heartbeats). */
    static Optional<Long> of(ChangeEvent event) {
        Op op = event.getOp();
        if (op != Op.CREATE && op != Op.UPDATE && op != Op.DELETE) {
            return Optional.empty();
        }
        String table = event.getTable().toString();
        String name = table.substring(table.indexOf('.') + 1);
        List<Column> image = op == Op.DELETE ? event.getBefore() : event.getAfter();
        long id = number(image, "id");
        long version = op == Op.DELETE || name.equals(MARKERS) ? 0 : number(image, "version");
        return Optional.of(of(name, op, id, version));
    }

    static String describe(long change) {
        String table = (change >>> 62 & 1) == 1 ? MARKERS : ORDERS;
        String kind = switch ((int) (change >>> 60 & 3)) {
            case 0 -> "insert";
            case 1 -> "update";
            default -> "delete";
        };
        return table + " id " + (change >>> 20 & (MAX_ID - 1)) + " " + kind + " to version " + (change & (MAX_VERSION - 1));
    }

    private static long number(List<Column> image, String column) {
        if (image == null) {
            throw new IllegalStateException("a row change without the image that carries column " + column);
        }
        for (Column c : image) {
            if (c.getName().toString().equals(column)) {
                return ((Number) c.getValue()).longValue();
            }
        }
        throw new IllegalStateException("a row change without column " + column + " in its image: " + image);
    }
}
