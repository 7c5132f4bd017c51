package dev.strata.restore.bench;

import dev.strata.local.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The baseline: the same final rows loaded the fastest plain way there is, binary COPY, into the
 * same table, then the same primary key, in one transaction. No log, no fold, no checks.
 */
final class BinaryCopy {
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L; // 2000-01-01

    private BinaryCopy() {
    }

    /** Loads the final rows into a new database {@code database}; returns the seconds from connecting to the commit. */
    static double timedLoad(LocalPostgres pg, String database, BenchRows log) throws SQLException, IOException {
        pg.createDatabase(database);
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password())) {
            load(c, log);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Creates the table, COPYs the final rows, adds the primary key, commits. */
    static void load(Connection c, BenchRows log) throws SQLException, IOException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(BenchRows.DDL);
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY public.items FROM STDIN (FORMAT binary)");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeBytes("PGCOPY\n");
        out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
        out.writeInt(0);
        out.writeInt(0);
        for (long id = 0; id < log.rows(); id++) {
            int v = log.finalVersion(id);
            out.writeShort(8);
            out.writeInt(8);
            out.writeLong(id);
            text(out, BenchRows.TENANT);
            text(out, BenchRows.name(id, v));
            out.writeInt(4);
            out.writeInt((int) BenchRows.qty(id, v));
            out.writeInt(8);
            out.writeDouble(BenchRows.price(id, v));
            out.writeInt(8);
            out.writeLong(BenchRows.created(id, v) - PG_EPOCH_MICROS);
            out.writeInt(1);
            out.writeByte(BenchRows.active(id, v) ? 1 : 0);
            text(out, BenchRows.note(id, v));
            if (buffer.size() >= 1 << 20) {
                copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                buffer.reset();
            }
        }
        out.writeShort(-1);
        copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
        copy.endCopy();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE public.items ADD PRIMARY KEY (id)");
        }
        c.commit();
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
