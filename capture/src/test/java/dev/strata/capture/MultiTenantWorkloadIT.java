package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two shared-schema tenants and one schema-per-tenant tenant; inserts, updates, deletes,
 * multi-statement transactions, a rollback, ADD/DROP COLUMN while running, a two-table TRUNCATE:
 * the distinct eventIds in Kafka are the committed row changes, one for one.
 */
@ExtendWith(LocalStackExtension.class)
class MultiTenantWorkloadIT {
    private static final String DB = "tenants_it";
    private static final String NAME = "tenants";

    @Test
    void everyCommittedChangeIsOneEventOfItsTenant(LocalKafka kafka, LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB,
                "CREATE TABLE orders (tenant_id text, id bigint, amount numeric(12,2), note text, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE customers (id int PRIMARY KEY, tenant_id text NOT NULL, name text)",
                "ALTER TABLE customers REPLICA IDENTITY FULL",
                "CREATE SCHEMA tenant_globex",
                "CREATE TABLE tenant_globex.items (id int PRIMARY KEY, label text)",
                "CREATE TABLE tenant_globex.tags (id int PRIMARY KEY, tag text)");
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, NAME,
                "public.orders,public.customers,tenant_globex.items,tenant_globex.tags");
        properties.setProperty(CaptureConfig.TENANT_SCHEMA_PATTERN, "tenant_(?<tenant>.+)");
        long committed = 0;
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, NAME);
             Connection db = CaptureTestSetup.connect(pg, DB);
             Statement sql = db.createStatement()) {
            // the workload's DDL and TRUNCATE are meant for the stream: wait until the snapshot is done
            capture.awaitStreaming(Duration.ofSeconds(60));
            db.setAutoCommit(false);
            // one transaction, many statements, both tenants
            committed += sql.executeUpdate("INSERT INTO orders SELECT 'acme', g, g * 1.25, 'n' || g FROM generate_series(1, 300) g");
            committed += sql.executeUpdate("INSERT INTO orders SELECT 'initech', g, g * 2.5, NULL FROM generate_series(1, 200) g");
            committed += sql.executeUpdate("INSERT INTO customers SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'initech' END,"
                    + " 'c' || g FROM generate_series(1, 100) g");
            db.commit();
            committed += sql.executeUpdate("UPDATE orders SET amount = amount + 1 WHERE id % 3 = 0");
            committed += sql.executeUpdate("DELETE FROM orders WHERE tenant_id = 'acme' AND id % 5 = 0");
            db.commit();
            sql.executeUpdate("INSERT INTO orders VALUES ('acme', 100000, 1, 'rolled back')");
            sql.executeUpdate("DELETE FROM customers");
            db.rollback();
            db.setAutoCommit(true);
            for (int i = 1; i <= 20; i++) {
                committed += sql.executeUpdate("INSERT INTO tenant_globex.items VALUES (" + i + ", 'item " + i + "')");
            }
            committed += sql.executeUpdate("INSERT INTO tenant_globex.tags SELECT g, 't' || g FROM generate_series(1, 5) g");
            // the row schema changes while capture runs
            sql.execute("ALTER TABLE customers ADD COLUMN email varchar(80)");
            committed += sql.executeUpdate("INSERT INTO customers VALUES (1000, 'acme', 'new', 'new@acme.example')");
            committed += sql.executeUpdate("UPDATE customers SET email = 'c' || id || '@x.example' WHERE id <= 10");
            sql.execute("ALTER TABLE customers DROP COLUMN name");
            committed += sql.executeUpdate("UPDATE customers SET email = 'changed@acme.example' WHERE id = 1000");
            committed += sql.executeUpdate("DELETE FROM customers WHERE id BETWEEN 11 AND 20");
            // one statement, two tables: two events with one LSN
            sql.execute("TRUNCATE tenant_globex.items, tenant_globex.tags");
            committed += 2;
            // a tenant id that is no tenant id is parked, not guessed
            sql.executeUpdate("INSERT INTO customers (id, tenant_id) VALUES (2000, 'not a tenant!')");

            long expected = committed;
            reader.awaitUntil(r -> r.events().size() >= expected && !r.parked().isEmpty(), Duration.ofSeconds(90),
                    expected + " changes and a dead letter");
            Thread.sleep(500); // nothing more may come
            reader.drain();

            List<ChangeEvent> events = reader.events();
            assertThat(events).hasSize((int) expected);
            assertThat(events.stream().map(ChangeEvent::getEventId).distinct().count()).isEqualTo(expected);
            assertThat(reader.keys()).isEqualTo(events.stream().map(ChangeEvent::getTenant).toList());
            assertThat(events.stream().collect(Collectors.groupingBy(ChangeEvent::getTenant, Collectors.counting())))
                    .containsOnlyKeys("acme", "initech", "globex");
            assertThat(events).filteredOn(e -> e.getTable().startsWith("tenant_globex.")).extracting(ChangeEvent::getTenant)
                    .containsOnly("globex");
            assertThat(events).filteredOn(e -> e.getTable().equals("public.orders")).allSatisfy(e -> assertThat(e.getTenant())
                    .isEqualTo(value(e.getAfter() != null ? e.getAfter() : e.getBefore(), "tenant_id")));

            // the first transaction, across partitions: one commit time, txOrder 1..600 without gaps
            Map<Long, List<ChangeEvent>> byTx = events.stream().collect(Collectors.groupingBy(ChangeEvent::getTxId));
            List<ChangeEvent> first = byTx.values().stream().filter(tx -> tx.size() == 600).findFirst().orElseThrow();
            assertThat(first).extracting(ChangeEvent::getCommitTsMicros).containsOnly(first.get(0).getCommitTsMicros());
            assertThat(first.stream().map(ChangeEvent::getTxOrder).sorted().toList())
                    .isEqualTo(LongStream.rangeClosed(1, 600).boxed().toList());

            List<ChangeEvent> truncates = events.stream().filter(e -> e.getOp() == Op.TRUNCATE).toList();
            assertThat(truncates).hasSize(2).extracting(ChangeEvent::getTable)
                    .containsExactlyInAnyOrder("tenant_globex.items", "tenant_globex.tags");
            assertThat(truncates.get(0).getLsn()).isEqualTo(truncates.get(1).getLsn());
            assertThat(truncates).allSatisfy(t -> assertThat(t.getKey()).isNull());

            ChangeEvent added = events.stream().filter(e -> e.getTable().equals("public.customers") && e.getOp() == Op.CREATE
                    && value(e.getAfter(), "id").equals(1000L)).findFirst().orElseThrow();
            assertThat(added.getAfter()).extracting(Column::getName).containsExactly("id", "tenant_id", "name", "email");
            assertThat(added.getAfter().get(3).getPgType()).isEqualTo("character varying(80)");
            ChangeEvent afterDrop = events.stream().filter(e -> e.getTable().equals("public.customers") && e.getOp() == Op.UPDATE
                    && value(e.getAfter(), "id").equals(1000L)).findFirst().orElseThrow();
            assertThat(afterDrop.getAfter()).extracting(Column::getName).containsExactly("id", "tenant_id", "email");
            assertThat(value(afterDrop.getBefore(), "email")).isEqualTo("new@acme.example");

            everyTransactionEndsInOneCommitPerTenantAtTheEndOfItsCommitRecord(reader, sql);

            assertThat(reader.parked()).singleElement().satisfies(parked -> {
                assertThat(parked.header(DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.BAD_TENANT_ID.name());
                assertThat(parked.header(DeadLetterHeaders.DETAIL)).contains("not a tenant!");
                assertThat(parked.header(DeadLetters.TABLE)).isEqualTo("public.customers");
            });
        }
        CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
    }

    /**
     * ChangeEvent v5: each transaction that changed a tenant (rows or definitions) ends with one
     * COMMIT per tenant, whose commitLsn is where the transaction's commit record ENDS in the WAL,
     * read from the server itself (pg_walinspect): the fact --until-lsn decides by.
     */
    private static void everyTransactionEndsInOneCommitPerTenantAtTheEndOfItsCommitRecord(TopicReader reader, Statement sql)
            throws Exception {
        List<ChangeEvent> changes = new java.util.ArrayList<>(reader.events());
        changes.addAll(reader.definitions());
        Set<String> changed = changes.stream().map(e -> e.getTxId() + "/" + e.getTenant()).collect(Collectors.toSet());
        List<ChangeEvent> commits = reader.commits();
        assertThat(commits.stream().map(c -> c.getTxId() + "/" + c.getTenant()).toList()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(changed);
        sql.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        long from = changes.stream().mapToLong(ChangeEvent::getLsn).min().orElseThrow();
        Map<Long, Long> commitRecordEnds = new java.util.HashMap<>();
        try (java.sql.ResultSet records = sql.executeQuery("SELECT xid::text::bigint, end_lsn - '0/0'::pg_lsn FROM pg_get_wal_records_info('0/0'::pg_lsn + "
                + from + ", pg_current_wal_insert_lsn()) WHERE resource_manager = 'Transaction' AND record_type = 'COMMIT'")) {
            while (records.next()) {
                commitRecordEnds.put(records.getLong(1), records.getLong(2));
            }
        }
        for (ChangeEvent commit : commits) {
            assertThat(commit.getCommitLsn()).as("commit LSN of transaction %d (tenant %s)", commit.getTxId(), commit.getTenant())
                    .isEqualTo(commitRecordEnds.get(commit.getTxId())).isEqualTo(commit.getLsn());
            List<ChangeEvent> ofTx = changes.stream().filter(e -> e.getTxId() == commit.getTxId()).toList();
            assertThat(commit.getPreviousCommitLsn()).isEqualTo(ofTx.get(0).getPreviousCommitLsn()).isLessThan(commit.getCommitLsn());
            assertThat(commit.getCutTsMicros()).isEqualTo(ofTx.get(0).getCutTsMicros());
        }
        // the next transaction capture received, whatever it changed, is placed right after this commit record
        Set<Long> placedAfter = changes.stream().map(ChangeEvent::getPreviousCommitLsn).collect(Collectors.toSet());
        reader.heartbeats().forEach(h -> placedAfter.add(h.getPreviousCommitLsn()));
        // but the TRUNCATE's: the transaction after it is the parked insert, and a dead letter carries no commit order
        long truncate = reader.events().stream().filter(e -> e.getOp() == Op.TRUNCATE).findFirst().orElseThrow().getTxId();
        long lastCommit = commits.stream().mapToLong(ChangeEvent::getCommitLsn).max().orElseThrow();
        assertThat(commits).filteredOn(c -> c.getCommitLsn() != lastCommit && c.getTxId() != truncate)
                .allSatisfy(c -> assertThat(placedAfter).contains(c.getCommitLsn()));
    }

    private static Object value(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst().map(Column::getValue).orElse(null);
    }
}
