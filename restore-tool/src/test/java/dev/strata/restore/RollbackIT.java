package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.CaptureService;
import dev.strata.capture.CaptureTestSetup;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.plan.SnapshotVisibility;
import dev.strata.restore.testing.BackupChain;
import dev.strata.restore.testing.CommitTerminator;
import dev.strata.restore.testing.ToolRun;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The restore people need on the unusual day, on the whole chain (capture, router, sink, two Ceph
 * regions): tenant a's "accidental" deletes and updates in a database all tenants share are rolled
 * back in the live database while tenant b writes the whole time; a's rows equal a's rows at the
 * point, b's rows are exactly b's writes, and the rollback, captured like any change, is itself
 * rolled back to the state just before it.
 */
@ExtendWith(LocalStackExtension.class)
class RollbackIT {
    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final String a = "rb-a-" + suffix;
    private final String b = "rb-b-" + suffix;
    private final String db = "rb_live_" + suffix;
    private static final String ORDERS_UP_TO_30 = "SELECT string_agg(t::text, ',' ORDER BY t.id) FROM orders t WHERE tenant_id = '%s' AND id <= 30";

    @Test
    void rollsOneTenantBackWhileAnotherWritesAndTheRollbackCanBeRolledBack(LocalKafka kafka, LocalObjectStores stores, LocalPostgres pg)
            throws Exception {
        pg.createDatabase(db);
        execute(pg, "CREATE TABLE customers (tenant_id text, id bigint, name text NOT NULL, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE orders (tenant_id text, id bigint, customer_id bigint NOT NULL, qty int, PRIMARY KEY (tenant_id, id),"
                        + " FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id))",
                "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id text NOT NULL, body text)",
                "ALTER TABLE notes REPLICA IDENTITY FULL"); // its key lacks the tenant: capture needs the whole old row
        for (String t : new String[] {a, b}) {
            execute(pg, "INSERT INTO customers SELECT '" + t + "', g, 'c' || g FROM generate_series(1, 20) g",
                    "INSERT INTO orders SELECT '" + t + "', g, g % 20 + 1, g % 7 FROM generate_series(1, 100) g",
                    "INSERT INTO notes SELECT g + " + (t.equals(a) ? 0 : 100) + ", '" + t + "', 'n' || g FROM generate_series(1, 10) g");
        }
        try (BackupChain chain = BackupChain.start(kafka, stores, LocalStackExtension.workDir().resolve("rollback-" + suffix), new Properties());
             CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, db, "rb_" + suffix,
                     "public.customers,public.orders,public.notes")), Clock.systemUTC())) {
            chain.place(a);
            chain.place(b);
            capture.awaitStreaming(Duration.ofSeconds(120));
            long started = System.nanoTime();
            long pointMicros = dbNowMicros(pg);
            Map<String, String> atPoint = checksums(pg, a);
            String firstOrdersAtPoint = rows(pg, ORDERS_UP_TO_30.formatted(a));

            OtherTenantWriter writer = new OtherTenantWriter(pg, db, b, 1000);
            Thread writing = new Thread(writer, "tenant-b-writer");
            writing.start();
            execute(pg, "DELETE FROM orders WHERE tenant_id = '" + a + "' AND id % 3 = 0",
                    "UPDATE customers SET name = 'oops' WHERE tenant_id = '" + a + "' AND id <= 5",
                    "DELETE FROM notes WHERE tenant_id = '" + a + "' AND id <= 3",
                    "INSERT INTO orders VALUES ('" + a + "', 500, 1, 9)");
            Map<String, String> afterAccident = checksums(pg, a);
            long beforeRollbackMicros = dbNowMicros(pg);
            chain.awaitDurable(a, beforeRollbackMicros, Duration.ofSeconds(60));
            long durable = System.nanoTime();

            ToolRun dryRun = rollback(chain, pg, RestoreTime.format(pointMicros), "--dry-run");
            assertThat(dryRun.code()).as(dryRun.out() + dryRun.err()).isZero();
            // notes is REPLICA IDENTITY FULL: its deletes carry whole old rows; the other tables' changes do not
            assertThat(dryRun.out()).contains("fast path: only the ").contains("; 3 of them staged from the whole old row their first change")
                    .contains("public.orders: 1 to delete, 0 to update, 33 to insert")
                    .contains("public.customers: 0 to delete, 5 to update, 0 to insert")
                    .contains("public.notes: 0 to delete, 0 to update, 3 to insert").contains("dry run: nothing was changed");
            assertThat(checksums(pg, a)).isEqualTo(afterAccident);
            ToolRun unconfirmed = ToolRun.run(chain.toolConfig(), "rollback", "--tenant", a, "--until", "latest", "--to", pg.jdbcUrl(db));
            assertThat(unconfirmed.code()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(unconfirmed.err()).contains("--confirm " + a);

            ToolRun rolledBack = rollback(chain, pg, RestoreTime.format(pointMicros), "--confirm", a);
            assertThat(rolledBack.code()).as(rolledBack.out() + rolledBack.err()).isZero();
            assertThat(rolledBack.out()).contains("rolled back in one transaction (").contains("public.orders: 1 deleted, 0 updated, 33 inserted");
            assertThat(checksums(pg, a)).as("tenant a as it was at the point").isEqualTo(atPoint);
            long rolled = System.nanoTime();

            writer.stop.set(true);
            writing.join();
            assertThat(writer.failure).as("tenant b's writes never failed").isNull();
            assertThat(writer.writes).as("b wrote throughout").isGreaterThan(0);
            assertThat(rows(pg, "SELECT id || ':' || name FROM customers WHERE tenant_id = '" + b + "' ORDER BY id"))
                    .as("b's customers are exactly b's writes").isEqualTo(writer.expectedCustomers());
            assertThat(rows(pg, "SELECT count(*) FROM orders WHERE tenant_id = '" + b + "'")).isEqualTo(String.valueOf(100 + writer.writes));

            long afterRollbackMicros = dbNowMicros(pg);
            chain.awaitDurable(a, afterRollbackMicros, Duration.ofSeconds(60));
            ToolRun undo = rollback(chain, pg, RestoreTime.format(beforeRollbackMicros), "--confirm", a);
            assertThat(undo.code()).as(undo.out() + undo.err()).isZero();
            assertThat(checksums(pg, a)).as("the rollback rolled back: a as just before it").isEqualTo(afterAccident);
            long selective = System.nanoTime();
            selectiveRestoresBesideTheLiveTables(chain, pg, RestoreTime.format(pointMicros), afterAccident);
            rollbackWhere(chain, pg, RestoreTime.format(pointMicros), firstOrdersAtPoint);
            System.out.printf("RollbackIT: selective replays and rollback --where %d ms%n", (System.nanoTime() - selective) / 1_000_000);
            long paths = System.nanoTime();
            fastPathAndFullDifferenceAgree(chain, pg);
            System.out.printf("RollbackIT: fast path vs full difference, and a TRUNCATE, %d ms%n", (System.nanoTime() - paths) / 1_000_000);
            aSessionLostInTheCommitLeavesTheRollbackInDoubt(chain, pg);
            System.out.printf("RollbackIT: accident durable after %d ms; dry run and rollback %d ms; rollback durable and undone %d ms;"
                    + " b wrote %d transactions meanwhile%n", (durable - started) / 1_000_000, (rolled - durable) / 1_000_000,
                    (System.nanoTime() - rolled) / 1_000_000, writer.writes);
        }
    }

    /** replay --table/--where/--schema into a side schema of the live database; the refusals write nothing. */
    private void selectiveRestoresBesideTheLiveTables(BackupChain chain, LocalPostgres pg, String point, Map<String, String> live)
            throws SQLException {
        String side = "side_" + suffix.toLowerCase(java.util.Locale.ROOT);
        Map<String, String> liveB = checksums(pg, b);
        ToolRun restored = replay(chain, pg, point, "--schema", side, "--table", "public.customers", "--table", "public.orders",
                "--where", "id <= 10");
        assertThat(restored.code()).as(restored.out() + restored.err()).isZero();
        assertThat(restored.out()).contains("--where kept 10 of the 100 rows of public.orders").contains(", schema " + side);
        assertThat(rows(pg, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '"
                + side + "'")).as("only the tables asked for").isEqualTo("customers,orders");
        assertThat(rows(pg, "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM " + side + ".customers"))
                .as("a's customers at the point, not the live 'oops'").isEqualTo("1:c1,2:c2,3:c3,4:c4,5:c5,6:c6,7:c7,8:c8,9:c9,10:c10");
        assertThat(rows(pg, "SELECT count(*) FROM " + side + ".orders WHERE tenant_id = '" + a + "' AND id <= 10")).isEqualTo("10");
        assertThat(rows(pg, "SELECT confrelid::regclass::text || ' ' || convalidated FROM pg_constraint WHERE conrelid = '" + side
                + ".orders'::regclass AND contype = 'f'")).as("the key references the side table, NOT VALID after --where")
                .isEqualTo(side + ".customers false");
        assertThat(rows(pg, "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + side + ".orders'::regclass AND contype = 'p'"))
                .isEqualTo("1");
        assertThat(checksums(pg, a)).as("the live tables untouched").isEqualTo(live);
        assertThat(checksums(pg, b)).isEqualTo(liveB);

        ToolRun again = replay(chain, pg, point, "--schema", side);
        assertThat(again.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("--schema " + side + ": schema " + side).contains("already holds").contains("DROP SCHEMA");
        ToolRun unknown = replay(chain, pg, point, "--schema", side + "_x", "--table", "public.nope");
        assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("--table public.nope: tenant " + a + " has no such table")
                .contains("[public.customers, public.notes, public.orders]");
        ToolRun column = replay(chain, pg, point, "--schema", side + "_x", "--where", "nope = 1");
        assertThat(column.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(column.err()).contains("does not fit table public.customers: column \"nope\" does not exist");
        ToolRun twoStatements = replay(chain, pg, point, "--schema", side + "_x", "--where", "id = 1; DROP TABLE orders");
        assertThat(twoStatements.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(twoStatements.err()).contains("is not one SQL expression: it holds ';'");
        ToolRun noSql = ToolRun.run(chain.toolConfig(), "replay", "--tenant", a, "--until", point, "--target", "ndjson", "--where", "id = 1");
        assertThat(noSql.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noSql.err()).contains("use --target postgres");
        assertThat(rows(pg, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + side + "_x'")).as("refused: nothing written").isEqualTo("0");
        assertThat(rows(pg, "SELECT count(*) FROM orders")).as("orders untouched by the refused --where").isNotEqualTo("0");
    }

    /** rollback --where: a's orders up to id 30 back as at the point; the others (500 inserted since, the later deletes) left as they are. */
    private void rollbackWhere(BackupChain chain, LocalPostgres pg, String point, String firstOrdersAtPoint) throws SQLException {
        String laterOrders = rows(pg, "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE tenant_id = '" + a + "' AND id > 30");
        ToolRun rolled = rollback(chain, pg, point, "--table", "public.orders", "--where", "id <= 30", "--confirm", a);
        assertThat(rolled.code()).as(rolled.out() + rolled.err()).isZero();
        assertThat(rolled.out()).contains("public.orders: 0 deleted, 0 updated, 10 inserted");
        assertThat(rows(pg, ORDERS_UP_TO_30.formatted(a))).isEqualTo(firstOrdersAtPoint);
        assertThat(rows(pg, "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE tenant_id = '" + a + "' AND id > 30"))
                .contains(",500").isEqualTo(laterOrders);
    }

    /**
     * The fast path (only the keys the log names after the point) and the full difference leave the
     * same rows of a, after deletes, inserts, a key changed by UPDATE and an update, while b writes;
     * a TRUNCATE since the point (parked by capture: it has no one tenant) forces the full difference.
     */
    private void fastPathAndFullDifferenceAgree(BackupChain chain, LocalPostgres pg) throws Exception {
        long point = dbNowMicros(pg);
        Map<String, String> atPoint = checksums(pg, a);
        OtherTenantWriter writer = new OtherTenantWriter(pg, db, b, SECOND_WRITER_FIRST_ID);
        Thread writing = new Thread(writer, "tenant-b-writer-2");
        writing.start();
        // 42 and 45 are gone since the accident (id % 3 = 0): 40, 41, 43, 44 deleted; with 600, 601, 50 -> 700, notes 6 -> 5006
        // and customer 7: 11 keys changed
        execute(pg, "DELETE FROM orders WHERE tenant_id = '" + a + "' AND id BETWEEN 40 AND 45",
                "INSERT INTO orders VALUES ('" + a + "', 600, 2, 3), ('" + a + "', 601, 3, 4)",
                "UPDATE orders SET id = 700 WHERE tenant_id = '" + a + "' AND id = 50", // a key changed by UPDATE
                "UPDATE notes SET id = id + 5000, body = 'moved' WHERE tenant_id = '" + a + "' AND id = 6",
                "UPDATE customers SET name = 'again' WHERE tenant_id = '" + a + "' AND id = 7");
        Map<String, String> changed = checksums(pg, a);
        long changedAt = dbNowMicros(pg);
        chain.awaitDurable(a, changedAt, Duration.ofSeconds(60));

        // a's own application inserts notes all through the rollback: those committed before its snapshot are put back
        // (deleted), those after it are left as if written after the rollback; the ones beyond the durable point its
        // staging began from are named only by the log read after its wait, and staged then
        AtomicBoolean stopNotes = new AtomicBoolean();
        Map<Long, Long> noteXids = new ConcurrentHashMap<>();
        Thread notes = new Thread(() -> insertNotes(pg, stopNotes, noteXids), "tenant-a-notes");
        notes.start();
        while (noteXids.size() < 20 && notes.isAlive()) {
            Thread.sleep(OtherTenantWriter.PAUSE_MILLIS);
        }
        ToolRun fast = rollback(chain, pg, RestoreTime.format(point), "--confirm", a);
        stopNotes.set(true);
        notes.join();
        assertThat(fast.code()).as(fast.out() + fast.err()).isZero();
        Matcher snapshot = Pattern.compile("\\(pg_current_snapshot ([0-9:,]+)\\)").matcher(fast.out());
        assertThat(snapshot.find()).as(fast.out()).isTrue();
        SnapshotVisibility seen = SnapshotVisibility.parse(snapshot.group(1));
        List<Long> seenNotes = noteXids.entrySet().stream().filter(n -> seen.includes(n.getValue())).map(Map.Entry::getKey).sorted().toList();
        List<Long> unseenNotes = noteXids.entrySet().stream().filter(n -> !seen.includes(n.getValue())).map(Map.Entry::getKey).sorted()
                .toList();
        assertThat(seenNotes).as("the notes inserted before the rollback began").hasSizeGreaterThanOrEqualTo(20);
        assertThat(fast.out()).contains("fast path: only the " + (11 + seenNotes.size()) + " key(s) changed since the point")
                .contains(" key(s) named only after the durable point of ").contains("; 1 of them staged from the whole old row")
                // written ahead of the proof, then taken back and written again with the keys of the second pass
                .contains("written in that snapshot while the proof was awaited, committed once it held")
                .contains("public.orders: 3 deleted, 0 updated, 5 inserted")
                .contains("public.notes: " + (1 + seenNotes.size()) + " deleted, 0 updated, 1 inserted");
        assertThat(rows(pg, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM notes WHERE tenant_id = '" + a + "' AND id > "
                + LATE_NOTES_FIRST_ID)).as("exactly the notes the rollback's snapshot did not see are left, as written after it")
                .isEqualTo(unseenNotes.stream().map(String::valueOf).collect(Collectors.joining(",")));
        Map<String, String> byFastPath = checksums(pg, a, "id < " + LATE_NOTES_FIRST_ID);
        assertThat(byFastPath).as("a as at the point, beside the notes written after the rollback's snapshot").isEqualTo(atPoint);

        chain.awaitDurable(a, dbNowMicros(pg), Duration.ofSeconds(60));
        ToolRun undo = rollback(chain, pg, RestoreTime.format(changedAt), "--confirm", a);
        assertThat(undo.code()).as(undo.out() + undo.err()).isZero();
        assertThat(checksums(pg, a)).as("back to just before the rollback").isEqualTo(changed);
        ToolRun full = rollback(chain, pg, RestoreTime.format(point), "--full-diff", "--confirm", a);
        assertThat(full.code()).as(full.out() + full.err()).isZero();
        assertThat(full.out()).contains("full difference: --full-diff").contains("public.orders: 3 deleted, 0 updated, 5 inserted");
        assertThat(checksums(pg, a)).as("the full difference leaves what the fast path left").isEqualTo(byFastPath);

        long beforeTruncate = dbNowMicros(pg);
        Map<String, String> atTruncate = checksums(pg, a);
        execute(pg, "TRUNCATE notes", "INSERT INTO notes VALUES (77, '" + a + "', 'after the truncate')");
        chain.awaitDurable(a, dbNowMicros(pg), Duration.ofSeconds(60));
        ToolRun truncated = rollback(chain, pg, RestoreTime.format(beforeTruncate), "--confirm", a);
        assertThat(truncated.code()).as(truncated.out() + truncated.err()).isZero();
        assertThat(truncated.out()).contains("full difference: a change of no known tenant (NO_TENANT").contains("is parked in strata.dlq");
        assertThat(checksums(pg, a)).as("a's notes back, from the full difference").isEqualTo(atTruncate);

        writer.stop.set(true);
        writing.join();
        assertThat(writer.failure).as("tenant b's writes never failed").isNull();
        assertThat(rows(pg, "SELECT count(*) FROM notes WHERE tenant_id = '" + b + "'")).as("b's notes as the TRUNCATE left them").isEqualTo("0");
        assertThat(rows(pg, "SELECT count(*) FROM orders WHERE tenant_id = '" + b + "' AND id > " + SECOND_WRITER_FIRST_ID))
                .as("b's orders of this writer are exactly its writes").isEqualTo(String.valueOf(writer.writes));
    }

    private ToolRun replay(BackupChain chain, LocalPostgres pg, String until, String... more) {
        String[] args = {"replay", "--tenant", a, "--until", until, "--to", pg.jdbcUrl(db), "--user", pg.user(), "--progress", "none"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return ToolRun.run(chain.toolConfig(), all);
    }

    /**
     * A deferred trigger holds the rollback's COMMIT on the server until its session is terminated from outside: the
     * command cannot tell whether it committed and says so (exit 1, not "nothing was changed" nor "retry later"); here it
     * did not, and a dry run shows the difference still to apply.
     */
    private void aSessionLostInTheCommitLeavesTheRollbackInDoubt(BackupChain chain, LocalPostgres pg) throws Exception {
        long point = dbNowMicros(pg);
        execute(pg, "UPDATE orders SET qty = qty + 1 WHERE tenant_id = '" + a + "' AND id <= 3");
        execute(pg, "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$",
                "CREATE CONSTRAINT TRIGGER held AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold()");
        chain.awaitDurable(a, dbNowMicros(pg), Duration.ofSeconds(60));
        CompletableFuture<Boolean> terminated = CommitTerminator.terminate(pg, db, "application_name = 'strata restore-tool'");

        ToolRun inDoubt = rollback(chain, pg, RestoreTime.format(point), "--confirm", a);
        assertThat(inDoubt.code()).as(inDoubt.out() + inDoubt.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(inDoubt.err()).contains("cannot tell whether the rollback committed").contains("--dry-run")
                .doesNotContain("nothing was changed");
        assertThat(terminated.get(30, TimeUnit.SECONDS)).as("the rollback's session was terminated in its COMMIT").isTrue();
        execute(pg, "DROP TRIGGER held ON orders");
        ToolRun dryRun = rollback(chain, pg, RestoreTime.format(point), "--dry-run");
        assertThat(dryRun.out()).as(dryRun.out() + dryRun.err()).contains("public.orders: 0 to delete, 3 to update, 0 to insert");
    }

    private ToolRun rollback(BackupChain chain, LocalPostgres pg, String until, String... more) {
        String[] args = {"rollback", "--tenant", a, "--until", until, "--to", pg.jdbcUrl(db), "--user", pg.user()};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return ToolRun.run(chain.toolConfig(), all);
    }

    /**
     * The second writer's order ids start far above anything the first can reach: unpaced, the first wrote
     * over 99,000 orders on a quiet machine and the second's first id (then 100,001) already existed.
     */
    private static final long SECOND_WRITER_FIRST_ID = 1_000_000_000L;
    /** Tenant a's notes written during a rollback: above every other note id (the first writer's tenant is b). */
    private static final long LATE_NOTES_FIRST_ID = 9_000;

    private Map<String, String> checksums(LocalPostgres pg, String tenant) throws SQLException {
        return checksums(pg, tenant, "true");
    }

    private Map<String, String> checksums(LocalPostgres pg, String tenant, String rowsWhere) throws SQLException {
        Map<String, String> sums = new TreeMap<>();
        for (String table : new String[] {"customers", "orders", "notes"}) {
            sums.put(table, rows(pg, "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t.id)), '-') FROM " + table
                    + " t WHERE tenant_id = '" + tenant + "' AND " + rowsWhere));
        }
        return sums;
    }

    /** Tenant a's application during a rollback: a note a transaction, ids from {@link #LATE_NOTES_FIRST_ID} + 1 up, with their xids. */
    private void insertNotes(LocalPostgres pg, AtomicBoolean stop, Map<Long, Long> xids) {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            for (long id = LATE_NOTES_FIRST_ID + 1; !stop.get(); id++) {
                try (ResultSet r = s.executeQuery("INSERT INTO notes VALUES (" + id + ", '" + a + "', 'late') RETURNING txid_current()")) {
                    r.next();
                    xids.put(id, r.getLong(1));
                }
                Thread.sleep(OtherTenantWriter.PAUSE_MILLIS);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant a's notes writer failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long dbNowMicros(LocalPostgres pg) throws SQLException {
        return Long.parseLong(rows(pg, "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"));
    }

    private Connection connect(LocalPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }

    private void execute(LocalPostgres pg, String... sql) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private String rows(LocalPostgres pg, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(pg); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.append(out.isEmpty() ? "" : "\n").append(r.getString(1));
            }
        }
        return out.toString();
    }
}
