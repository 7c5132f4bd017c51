package dev.strata.restore.testing;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs real transactions on a source database and emits the ChangeEvents capture would for them
 * (until capture's own test harness can feed restore tests): every row image is read back from
 * Postgres in capture's value forms, so what a restore must rebuild comes from the server, not
 * from the test. Commit times and LSNs are assigned by the simulator, increasing.
 */
public final class CaptureSimulator {
    private final Connection connection;
    private final List<ChangeEvent> events = new ArrayList<>();
    private long lsn = 0x1000000;

    public CaptureSimulator(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("SET intervalstyle = iso_8601"); // capture's interval form
        }
    }

    public List<ChangeEvent> events() {
        return events;
    }

    /** One source transaction committed at {@code commitTs}. */
    public Tx begin(long commitTs) {
        return new Tx(commitTs);
    }

    public final class Tx {
        private final long commitTs;
        private final long txId;
        private final List<ChangeEvent> pending = new ArrayList<>();

        private Tx(long commitTs) {
            this.commitTs = commitTs;
            this.txId = lsn / 16;
        }

        /** Runs an INSERT of the row with this key and captures its new image. */
        public Tx insert(SourceTable table, String sql, Object... key) throws SQLException {
            execute(sql);
            List<Column> after = image(table, key);
            add(table, Op.CREATE, after, null, after);
            return this;
        }

        public Tx update(SourceTable table, String set, Object... key) throws SQLException {
            execute("UPDATE " + table.name() + " SET " + set + " WHERE " + where(table), key);
            List<Column> after = image(table, key);
            add(table, Op.UPDATE, after, null, after);
            return this;
        }

        /**
         * An UPDATE of a table with REPLICA IDENTITY DEFAULT, as Postgres decodes it: a value kept out
         * of line (TOAST) that the UPDATE left in place (the same chunk id before and after, so the
         * WAL holds only its pointer) is not sent, and capture marks it {@link Unsent#UNCHANGED}.
         */
        public Tx updateUnderDefaultIdentity(SourceTable table, String set, Object... key) throws SQLException {
            List<Long> chunksBefore = toastChunks(table, key);
            execute("UPDATE " + table.name() + " SET " + set + " WHERE " + where(table), key);
            List<Long> chunksAfter = toastChunks(table, key);
            List<Column> image = image(table, key);
            List<Column> after = new ArrayList<>(image);
            for (int i = 0; i < after.size(); i++) {
                if (chunksBefore.get(i) != null && chunksBefore.get(i).equals(chunksAfter.get(i))) {
                    after.set(i, new Column(after.get(i).getName(), after.get(i).getPgType(), Unsent.UNCHANGED));
                }
            }
            add(table, Op.UPDATE, image, null, after);
            return this;
        }

        /**
         * An UPDATE that changes the row's key, as Debezium sends it: a DELETE of the old key, then a CREATE of the new
         * one, both at the UPDATE's LSN.
         */
        public Tx changeKey(SourceTable table, String set, Object[] oldKey, Object[] newKey) throws SQLException {
            List<Column> before = image(table, oldKey);
            execute("UPDATE " + table.name() + " SET " + set + " WHERE " + where(table), oldKey);
            List<Column> after = image(table, newKey);
            add(table, Op.DELETE, before, before, null);
            add(table, Op.CREATE, after, null, after);
            ChangeEvent delete = pending.get(pending.size() - 2);
            ChangeEvent create = pending.get(pending.size() - 1);
            pending.set(pending.size() - 1, ChangeEvent.newBuilder(create).setLsn(delete.getLsn())
                    .setEventId(delete.getLsn() + ":" + create.getTxOrder()).build());
            return this;
        }

        public Tx delete(SourceTable table, Object... key) throws SQLException {
            List<Column> before = image(table, key);
            execute("DELETE FROM " + table.name() + " WHERE " + where(table), key);
            add(table, Op.DELETE, before, before, null);
            return this;
        }

        public Tx truncate(SourceTable table) throws SQLException {
            execute("TRUNCATE " + table.name());
            pending.add(event(table, Op.TRUNCATE, null, null, null, tenantOfSchema(table)));
            return this;
        }

        public void commit() throws SQLException {
            connection.commit();
            events.addAll(pending);
        }

        private void add(SourceTable table, Op op, List<Column> image, List<Column> before, List<Column> after) {
            String tenant = table.tenantColumn() == null ? tenantOfSchema(table) : (String) value(image, table.tenantColumn());
            List<Column> key = new ArrayList<>();
            for (String k : table.key()) {
                key.add(new Column(k, find(image, k).getPgType(), value(image, k)));
            }
            pending.add(event(table, op, key, before, after, tenant));
        }

        private ChangeEvent event(SourceTable table, Op op, List<Column> key, List<Column> before, List<Column> after, String tenant) {
            lsn += 8;
            long order = pending.size() + 1;
            return ChangeEvent.newBuilder().setTenant(tenant).setSource("source-db").setTable(table.name()).setOp(op)
                    .setCommitTsMicros(commitTs).setLsn(lsn).setTxId(txId).setTxOrder(order)
                    .setKey(key).setBefore(before).setAfter(after).setEventId(lsn + ":" + order).setCheckpoint(null).build();
        }
    }

    private void execute(String sql, Object... params) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.execute();
        }
    }

    private List<Column> image(SourceTable table, Object... key) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < table.columns().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(table.columns().get(i).select());
        }
        sql.append(" FROM ").append(table.name()).append(" WHERE ").append(where(table));
        try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < key.length; i++) {
                s.setObject(i + 1, key[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row of " + table.name() + " with key " + List.of(key));
                }
                List<Column> columns = new ArrayList<>();
                for (SourceTable.ColumnSpec c : table.columns()) {
                    columns.add(new Column(c.name(), c.pgType(), read(rs, c)));
                }
                return columns;
            }
        }
    }

    /** Per column, the chunk id of its value if Postgres keeps it out of line on disk, else null (PostgreSQL 17). */
    private List<Long> toastChunks(SourceTable table, Object... key) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < table.columns().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("pg_column_toast_chunk_id(\"").append(table.columns().get(i).name()).append("\")::bigint");
        }
        sql.append(" FROM ").append(table.name()).append(" WHERE ").append(where(table));
        try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < key.length; i++) {
                s.setObject(i + 1, key[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                List<Long> chunks = new ArrayList<>();
                for (int i = 1; i <= table.columns().size(); i++) {
                    long chunk = rs.getLong(i);
                    chunks.add(rs.wasNull() ? null : chunk);
                }
                return chunks;
            }
        }
    }

    private static Object read(ResultSet rs, SourceTable.ColumnSpec c) throws SQLException {
        Object value = switch (c.form()) {
            case LONG -> rs.getLong(c.name());
            case DOUBLE -> rs.getDouble(c.name());
            case BOOLEAN -> rs.getBoolean(c.name());
            case TEXT -> rs.getString(c.name());
            case LONG_OR_TEXT -> {
                String text = rs.getString(c.name());
                yield text == null || !text.matches("-?[0-9]+") ? text : (Object) Long.parseLong(text);
            }
            case BYTES -> {
                byte[] b = rs.getBytes(c.name());
                yield b == null ? null : ByteBuffer.wrap(b);
            }
        };
        return rs.wasNull() ? null : value;
    }

    private static String where(SourceTable table) {
        StringBuilder where = new StringBuilder();
        for (String k : table.key()) {
            where.append(where.length() == 0 ? "" : " AND ").append('"').append(k).append("\" = ?");
        }
        return where.toString();
    }

    private static Column find(List<Column> image, String name) {
        return image.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Object value(List<Column> image, String name) {
        return find(image, name).getValue();
    }

    private static String tenantOfSchema(SourceTable table) {
        return table.schema();
    }
}
