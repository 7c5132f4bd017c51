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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every type of the zoo, captured from a snapshot and from the stream, decoded from Kafka, rebuilt
 * in a mirror table from the event alone, must print the same {@code row::text} as the source.
 */
@ExtendWith(LocalStackExtension.class)
class TypeZooIT {
    private static final String DB = "zoo_it";
    private static final String NAME = "zoo";
    private static final String COLUMNS = """
            id int PRIMARY KEY, tenant_id text NOT NULL, c_int2 smallint, c_int4 integer, c_int8 bigint,
            c_num numeric, c_num_big numeric, c_num_fixed numeric(12,4), c_real real, c_dbl double precision,
            c_bool boolean, c_text text, c_vc varchar(10), c_ch char(5), c_bytea bytea, c_uuid uuid, c_date date,
            c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz, c_tstz3 timestamptz(3), c_iv interval,
            c_json json, c_jsonb jsonb, c_ia int[], c_ta text[], c_mood mood, c_inet inet, c_cidr cidr, c_mac macaddr,
            c_int4range int4range, c_tstzrange tstzrange""";
    private static final List<String> ROWS = List.of(
            "(1, 'acme'" + ", NULL".repeat(31) + ")",
            "(2, 'acme', 42, 123456, 9876543210, '123.4500', '3.14159265358979323846264338327950288419716939937510',"
                    + " '12.3400', 1.5, 2.718281828459045, true, 'hello, world', 'héllo', 'ab', '\\x00ff10',"
                    + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '13:45:30.123456', '10:11:12.345678+02',"
                    + " '2024-01-02 03:04:05.123456', '2024-06-01 12:00:00.5+05:30', '2024-06-01 12:00:00.123+00',"
                    + " '1 year 2 mons -3 days 04:05:06.789', '{\"b\":1, \"a\" : [1,2]}', '{\"b\":1,\"a\":[1,2]}',"
                    + " '{1,NULL,3}', '{\"a b\",NULL,\"\",\"x\\\"y\",\"NULL\"}', 'happy', '192.168.0.1/24', '10.1.0.0/16',"
                    + " '08:00:2b:01:02:03', '[1,10)', '[2024-01-01 00:00+00,2024-02-01 00:00+00)')",
            "(3, 'acme', -32768, -2147483648, -9223372036854775808, 'NaN', (repeat('9', 1000) || '.' || repeat('1', 1000))::numeric,"
                    + " '-99999999.9999', 'NaN', 'NaN', false, E'tab\\there\\nnew line ''quote'' \\\\ backslash \\U0001F600',"
                    + " '', '', '\\x', '00000000-0000-0000-0000-000000000000', 'infinity', '24:00:00', '00:00:00-15:59',"
                    + " 'infinity', 'infinity', '-infinity', '-178000000 years', '[]', '{}', '[0:1]={7,8}',"
                    + " '{{a,b},{c,d}}', 'sad', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', 'empty', '(,)')",
            "(4, 'acme', 32767, 2147483647, 9223372036854775807, 'Infinity', '-0.000000000000000000000000000001',"
                    + " '0.0000', '-0', '-0', true, 'x', 'exactly10!', 'abcde', '\\xdeadbeef',"
                    + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '4713-01-01 BC', '00:00:00', '23:59:59.999999+15:59',"
                    + " '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC', '1999-12-31 23:59:59.999+00',"
                    + " '-1 days -00:00:01.5', 'null', '\"\\u00e9\"', '{-2147483648,2147483647}', '{\"\\\\\\\\\"}', 'ok',"
                    + " '2001:db8::/32', NULL, NULL, '(,5]', '[-infinity,infinity]')",
            "(5, 'acme', 0, 0, 0, '-Infinity', '1e-300', '1', '1e-45', '1e308', NULL, ' leading and trailing ', ' ', ' ',"
                    + " '\\x00', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '-infinity', '00:00:00.000001', NULL,"
                    + " '1999-12-31 23:59:59.999999', '10000-01-01 00:00:00+00', '294276-12-31 23:59:59.999+00',"
                    + " '00:00:00.000001', '[1, 2.50, \"x\"]', '{\"z\": {\"y\": [true, false, null]}}', NULL,"
                    + " '{\"\"}', NULL, '10.0.0.0/8', NULL, NULL, NULL, NULL)",
            "(6, 'acme', NULL, NULL, NULL, '0', NULL, NULL, 'Infinity', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, '23:59:59.999999', NULL, '-infinity', NULL, NULL, '-01:02:03', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, NULL)");

    @Test
    void everyTypeRoundTripsExactlyOrIsDeadLettered(LocalKafka kafka, LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB,
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE zoo (" + COLUMNS + ")",
                "ALTER TABLE zoo REPLICA IDENTITY FULL",
                "CREATE TABLE zoo_mirror (LIKE zoo)",
                "INSERT INTO zoo VALUES " + String.join(", ", ROWS));
        var config = CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, DB, NAME, "public.zoo"));
        String deletedRowText;
        try (CaptureService capture = CaptureService.start(config, Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, NAME)) {
            reader.awaitUntil(r -> r.events().size() >= ROWS.size(), Duration.ofSeconds(60), "the snapshot of the zoo");
            // streamed copies: 101.. without timetz (every other type streams exactly), 201.. with it
            CaptureTestSetup.execute(pg, DB,
                    "INSERT INTO zoo SELECT id + 100, tenant_id, c_int2, c_int4, c_int8, c_num, c_num_big, c_num_fixed, c_real,"
                            + " c_dbl, c_bool, c_text, c_vc, c_ch, c_bytea, c_uuid, c_date, c_time, NULL, c_ts, c_tstz, c_tstz3,"
                            + " c_iv, c_json, c_jsonb, c_ia, c_ta, c_mood, c_inet, c_cidr, c_mac, c_int4range, c_tstzrange FROM zoo WHERE id <= 6",
                    "INSERT INTO zoo SELECT id + 200, tenant_id, c_int2, c_int4, c_int8, c_num, c_num_big, c_num_fixed, c_real,"
                            + " c_dbl, c_bool, c_text, c_vc, c_ch, c_bytea, c_uuid, c_date, c_time, c_timetz, c_ts, c_tstz, c_tstz3,"
                            + " c_iv, c_json, c_jsonb, c_ia, c_ta, c_mood, c_inet, c_cidr, c_mac, c_int4range, c_tstzrange FROM zoo WHERE id <= 6",
                    "UPDATE zoo SET c_text = 'updated', c_ia = '{9}' WHERE id = 102");
            deletedRowText = rowTexts(pg, "SELECT id, z::text FROM zoo z WHERE id = 103").get(103);
            CaptureTestSetup.execute(pg, DB, "DELETE FROM zoo WHERE id = 103");
            // 6 READ, 9 CREATE (101-106, 201, 205, 206), 1 UPDATE, 1 DELETE; 202-204 carry a streamed timetz
            reader.awaitUntil(r -> r.events().size() >= 17 && r.parked().size() >= 3, Duration.ofSeconds(60), "the streamed zoo");

            List<ChangeEvent> events = reader.events();
            assertThat(events).extracting(ChangeEvent::getTenant).containsOnly("acme");
            assertThat(reader.keys()).containsOnly("acme");
            assertThat(events.stream().collect(Collectors.groupingBy(ChangeEvent::getOp, Collectors.counting())))
                    .isEqualTo(Map.of(Op.READ, 6L, Op.CREATE, 9L, Op.UPDATE, 1L, Op.DELETE, 1L));
            assertThat(events.stream().map(ChangeEvent::getEventId).distinct().count()).isEqualTo(events.size());
            assertThat(events.stream().filter(e -> e.getOp() != Op.READ))
                    .allSatisfy(e -> assertThat(e.getEventId()).isEqualTo(e.getLsn() + ":" + e.getTxOrder()))
                    .allSatisfy(e -> assertThat(e.getTxOrder()).isPositive());
            assertThat(declaredTypes(events.get(0))).containsEntry("c_num_fixed", "numeric(12,4)")
                    .containsEntry("c_vc", "character varying(10)").containsEntry("c_ch", "character(5)")
                    .containsEntry("c_tstz3", "timestamp(3) with time zone").containsEntry("c_ia", "integer[]")
                    .containsEntry("c_mood", "mood").containsEntry("c_timetz", "time with time zone");

            assertThat(reader.parked()).hasSize(3).allSatisfy(parked -> {
                assertThat(parked.header(DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.UNREPRESENTABLE_VALUE.name());
                assertThat(parked.header(DeadLetterHeaders.DETAIL)).contains("c_timetz").contains("offset");
                assertThat(parked.header(DeadLetters.TABLE)).isEqualTo("public.zoo");
                assertThat(parked.header(DeadLetters.LSN)).matches("[0-9]+");
                assertThat(parked.header(DeadLetterHeaders.PARKED_AT_MILLIS)).matches("[0-9]+");
            });
            assertThat(reader.parked()).extracting(p -> new String(p.key(), java.nio.charset.StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("{\"id\":202}", "{\"id\":203}", "{\"id\":204}");

            // the DELETE's old row, rebuilt from the event alone, is the row that was deleted
            ChangeEvent delete = events.stream().filter(e -> e.getOp() == Op.DELETE).findFirst().orElseThrow();
            insertImage(pg, "zoo_mirror", delete.getBefore());
            assertThat(rowTexts(pg, "SELECT id, m::text FROM zoo_mirror m")).containsExactly(Map.entry(103, deletedRowText));
            CaptureTestSetup.execute(pg, DB, "TRUNCATE zoo_mirror");

            // rebuild the table from the events alone: the last image of each key, deleted keys removed
            Map<Integer, List<Column>> images = new TreeMap<>();
            for (ChangeEvent event : events) {
                int id = ((Long) event.getKey().get(0).getValue()).intValue();
                if (event.getOp() == Op.DELETE) {
                    images.remove(id);
                } else {
                    images.put(id, event.getAfter());
                }
            }
            for (List<Column> image : images.values()) {
                insertImage(pg, "zoo_mirror", image);
            }
        }
        CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
        Map<Integer, String> source = rowTexts(pg, "SELECT id, z::text FROM zoo z WHERE id NOT IN (202, 203, 204)");
        Map<Integer, String> mirror = rowTexts(pg, "SELECT id, m::text FROM zoo_mirror m");
        assertThat(source).hasSize(14);
        assertThat(mirror).isEqualTo(source);
        // the values that need more than Debezium's defaults are really there
        assertThat(source.get(3)).contains("[0:1]={7,8}").contains("{{a,b},{c,d}}").contains("24:00:00");
        assertThat(source.get(2)).contains("10:11:12.345678+02");
    }

    private static Map<String, String> declaredTypes(ChangeEvent event) {
        Map<String, String> types = new LinkedHashMap<>();
        event.getAfter().forEach(c -> types.put(c.getName(), c.getPgType()));
        return types;
    }

    private static void insertImage(LocalPostgres pg, String table, List<Column> image) throws SQLException {
        StringJoiner names = new StringJoiner(", ");
        StringJoiner values = new StringJoiner(", ");
        for (Column column : image) {
            names.add(column.getName());
            values.add(PgLiteral.of(column));
        }
        CaptureTestSetup.execute(pg, DB, "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")");
    }

    private static Map<Integer, String> rowTexts(LocalPostgres pg, String query) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection connection = CaptureTestSetup.connect(pg, DB); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            while (row.next()) {
                rows.put(row.getInt(1), row.getString(2));
            }
        }
        return rows;
    }
}
