package dev.strata.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalStackExtension.class)
class LocalPostgresIT {

    @Test
    void walLevelIsLogicalWithRoomForSlots(LocalPostgres postgres) throws SQLException {
        try (Connection connection = connect(postgres, "postgres"); Statement statement = connection.createStatement()) {
            assertThat(setting(statement, "wal_level")).isEqualTo("logical");
            assertThat(setting(statement, "max_replication_slots")).isEqualTo("20");
            assertThat(setting(statement, "listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void pgoutputSlotReceivesAnInsert(LocalPostgres postgres) throws SQLException, InterruptedException {
        postgres.createDatabase("slot_it");
        try (Connection connection = connect(postgres, "slot_it"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY, tenant_id text NOT NULL)");
            statement.execute("CREATE PUBLICATION it_pub FOR TABLE orders");
            statement.execute("SELECT pg_create_logical_replication_slot('it_slot', 'pgoutput')");
            statement.execute("INSERT INTO orders VALUES (42, 'acme')");

            List<byte[]> messages = awaitChanges(statement, "it_slot", "it_pub");
            statement.execute("SELECT pg_drop_replication_slot('it_slot')");

            // pgoutput sends Begin, Relation, Insert, Commit for one single-row transaction
            assertThat(messages).extracting(message -> (char) message[0]).contains('B', 'R', 'I', 'C');
            byte[] insert = messages.stream().filter(message -> message[0] == 'I').findFirst().orElseThrow();
            assertThat(decodeInsertedColumns(insert)).containsExactly("42", "acme");
        }
    }

    @Test
    void createdDatabaseAcceptsConnections(LocalPostgres postgres) throws SQLException {
        postgres.createDatabase("created_it");
        try (Connection connection = connect(postgres, "created_it"); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_database(), current_user")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo("created_it");
            assertThat(result.getString(2)).isEqualTo(postgres.user());
        }
    }

    /**
     * The PITR helpers: a base backup of an archiving cluster, then PostgreSQL's recovery to two
     * times in turn (paused, restarted, paused again) holds exactly the commits up to each.
     */
    @Test
    void pointInTimeRecoveryHoldsTheCommitsUpToEachTarget() throws SQLException {
        try (PitrSource source = PitrSource.start(LocalStackExtension.workDir())) {
            source.postgres().createDatabase("pitr_it");
            try (Connection connection = connect(source.postgres(), "pitr_it"); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())");
                PitrSource.BaseBackup base = source.baseBackup();
                List<java.time.Instant> commits = new ArrayList<>();
                for (int id = 1; id <= 6; id++) {
                    statement.execute("INSERT INTO t (id) VALUES (" + id + ")");
                    commits.add(committedAt(statement, id));
                }
                source.archiveWrittenWal();
                try (PitrRecovery recovery = PitrRecovery.of(base, source.archive(), LocalStackExtension.workDir())) {
                    recovery.recoverTo(commits.get(1));
                    assertThat(ids(recovery)).as("inclusive: the commit at the target is in").containsExactly(1, 2);
                    assertThat(recovery.stopPoint()).startsWith("commit of transaction");
                    recovery.recoverTo(commits.get(4).minusNanos(1000));
                    assertThat(ids(recovery)).containsExactly(1, 2, 3, 4);
                }
            }
        }
    }

    private static java.time.Instant committedAt(Statement statement, int id) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT pg_xact_commit_timestamp(xmin) FROM t WHERE id = " + id)) {
            result.next();
            return result.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    private static List<Integer> ids(PitrRecovery recovery) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(recovery.jdbcUrl("pitr_it"), recovery.user(), "");
             Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (result.next()) {
                ids.add(result.getInt(1));
            }
        }
        return ids;
    }

    /**
     * Peeks until the slot has changes: decoding reads only flushed WAL, and with
     * synchronous_commit=off a commit is flushed by the WAL writer a moment later.
     */
    private static List<byte[]> awaitChanges(Statement statement, String slot, String publication)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<byte[]> messages = new ArrayList<>();
        while (messages.isEmpty() && System.nanoTime() < deadline) {
            try (ResultSet changes = statement.executeQuery("SELECT data FROM pg_logical_slot_peek_binary_changes('" + slot
                    + "', NULL, NULL, 'proto_version', '1', 'publication_names', '" + publication + "')")) {
                while (changes.next()) {
                    messages.add(changes.getBytes(1));
                }
            }
            if (messages.isEmpty()) {
                Thread.sleep(20);
            }
        }
        return messages;
    }

    /** pgoutput Insert: 'I', relation oid (int32), 'N', column count (int16), then per column 't', length, text. */
    private static List<String> decodeInsertedColumns(byte[] message) {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        assertThat(buffer.get()).isEqualTo((byte) 'I');
        buffer.getInt();
        assertThat(buffer.get()).isEqualTo((byte) 'N');
        int columns = buffer.getShort();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            byte kind = buffer.get();
            assertThat(kind).as("column %d is sent as text", i).isEqualTo((byte) 't');
            byte[] text = new byte[buffer.getInt()];
            buffer.get(text);
            values.add(new String(text, StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String setting(Statement statement, String name) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            result.next();
            return result.getString(1);
        }
    }

    private static Connection connect(LocalPostgres postgres, String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.user(), postgres.password());
    }
}
