package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.strata.capture.ddl.DdlMessage;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ReplicaIdentity;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A table definition from the WAL becomes one DDL event per tenant of the table, and only for captured tables. */
class DdlMessageTest {
    private static final long LSN = 7_000;
    private static final long COMMIT = 1_795_000_000_123_456L;
    private final KnownTenants known = new KnownTenants();
    private final TenantResolver tenants = new TenantResolver("tenant_id", Pattern.compile("tenant_(?<tenant>[a-z]+)"),
            Map.of("public.plans", "ops"));
    private final DdlMessage messages = new DdlMessage("app", tenants, known,
            Set.of("public.orders", "tenant_acme.notes", "public.plans")::contains);

    private static byte[] definition(String table, String... columns) {
        StringBuilder cols = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            cols.append(i == 0 ? "" : ", ").append("{\"attnum\": ").append(i + 1).append(", \"name\": \"").append(columns[i])
                    .append("\", \"type\": \"text\", \"dropped\": false}");
        }
        return ("{\"format\": \"strata.table-definition\", \"version\": 1, \"tag\": \"ALTER TABLE\", \"table\": \"" + table
                + "\", \"columns\": [" + cols + "], \"primaryKey\": [], \"constraints\": [], \"indexes\": [], \"sequences\": []}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSharedSchemaTableGoesToEveryKnownTenantInOrder() {
        known.changed("globex");
        known.changed("acme");
        List<ChangeEvent> events = messages.events(definition("public.orders", "id", "tenant_id"), LSN, 55, COMMIT);
        assertThat(events).extracting(ChangeEvent::getTenant).containsExactly("acme", "globex");
        assertThat(events).extracting(ChangeEvent::getTxOrder).containsExactly(0L, 1L);
        for (ChangeEvent event : events) {
            assertThat(event.getOp()).isEqualTo(Op.DDL);
            assertThat(event.getTable()).isEqualTo("public.orders");
            assertThat(event.getLsn()).isEqualTo(LSN);
            assertThat(event.getTxId()).isEqualTo(55);
            assertThat(event.getCommitTsMicros()).isEqualTo(COMMIT);
            assertThat(event.getEventId()).isEqualTo("ddl:7000:" + event.getTenant());
            assertThat(TableDefinition.parse(event.getTableDefinition()).liveColumns()).hasSize(2);
        }
        // the definition survives the wire
        ChangeEventCodec codec = new ChangeEventCodec();
        assertThat(codec.decode(codec.encode(events.get(0))).getTableDefinition()).isEqualTo(events.get(0).getTableDefinition());
    }

    @Test
    void aTenantSchemaTableGoesToItsTenantAndASharedTableToItsHome() {
        known.changed("globex");
        assertThat(messages.events(definition("tenant_acme.notes", "id"), LSN, 1, COMMIT)).extracting(ChangeEvent::getTenant)
                .containsExactly("acme");
        assertThat(messages.events(definition("public.plans", "id"), LSN, 1, COMMIT)).extracting(ChangeEvent::getTenant)
                .containsExactly("ops");
    }

    @Test
    void aTableNotCapturedOrWithoutTenantGivesNothing() {
        known.changed("acme");
        assertThat(messages.events(definition("public.other", "id", "tenant_id"), LSN, 1, COMMIT)).isEmpty();
        DdlMessage all = new DdlMessage("app", tenants, known, table -> true);
        assertThat(all.events(definition("public.audit", "id"), LSN, 1, COMMIT)).as("no tenant column, no tenant schema").isEmpty();
        DdlMessage none = new DdlMessage("app", tenants, new KnownTenants(), table -> true);
        assertThat(none.events(definition("public.orders", "tenant_id"), LSN, 1, COMMIT)).as("before any tenant is known").isEmpty();
    }

    @Test
    void contentThatIsNotADefinitionIsRefusedWithWhatItIs() {
        assertThatThrownBy(() -> messages.events("not json".getBytes(StandardCharsets.UTF_8), LSN, 1, COMMIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strata.ddl at lsn 7000 is not JSON");
        assertThatThrownBy(() -> messages.events("{}".getBytes(StandardCharsets.UTF_8), LSN, 1, COMMIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no table");
    }

    @Test
    void aNewTenantAsksForTheDefinitionsOnce() {
        int[] asked = new int[1];
        known.onNewTenant(() -> asked[0]++);
        known.changed("acme");
        known.changed("acme");
        assertThat(asked[0]).isEqualTo(1);
    }

    @Test
    void aTenantsFirstRowChangeIsPrecededOnceByTheDefinitionsInForce() {
        assertThat(messages.forNewTenant("acme", LSN, 3, 9, COMMIT)).as("no definition seen yet").isEmpty();
        messages.events(definition("public.orders", "id", "tenant_id"), LSN, 1, COMMIT);
        messages.events(definition("tenant_acme.notes", "id"), LSN + 1, 1, COMMIT);
        List<ChangeEvent> first = messages.forNewTenant("globex", LSN + 50, 3, 9, COMMIT);
        assertThat(first).extracting(ChangeEvent::getTable).containsExactly("public.orders");
        assertThat(first.get(0).getLsn()).isEqualTo(LSN + 50);
        assertThat(first.get(0).getTxOrder()).as("at the change's own position: in force for it").isEqualTo(3);
        assertThat(messages.forNewTenant("globex", LSN + 60, 1, 9, COMMIT)).isEmpty();
        assertThat(messages.forNewTenant("acme", LSN + 70, 1, 9, COMMIT)).extracting(ChangeEvent::getTable)
                .containsExactly("public.orders", "tenant_acme.notes");
    }

    @Test
    void eachCapturedDefinitionTellsItsReplicaIdentityInWalOrderEvenWithoutATenant() {
        Map<String, Optional<ReplicaIdentity>> told = new LinkedHashMap<>();
        DdlMessage watched = new DdlMessage("app", tenants, new KnownTenants(), Set.of("public.orders", "public.audit")::contains,
                told::put);
        String full = new String(definition("public.orders", "tenant_id", "id"), StandardCharsets.UTF_8)
                .replace("\"sequences\": []", "\"sequences\": [], \"replicaIdentity\": \"f\", \"replicaIdentityColumns\": []");
        watched.events(full.getBytes(StandardCharsets.UTF_8), LSN, 1, COMMIT);
        String byKey = new String(definition("public.audit", "id"), StandardCharsets.UTF_8)
                .replace("\"sequences\": []", "\"sequences\": [], \"replicaIdentity\": \"d\", \"replicaIdentityColumns\": [\"id\"]");
        assertThat(watched.events(byKey.getBytes(StandardCharsets.UTF_8), LSN + 1, 1, COMMIT)).as("no tenant: no event").isEmpty();
        watched.events(definition("public.other", "id"), LSN + 2, 1, COMMIT); // not captured: not told

        assertThat(told).containsExactly(entry("public.orders", Optional.of(new ReplicaIdentity('f', List.of()))),
                entry("public.audit", Optional.of(new ReplicaIdentity('d', List.of("id")))));
        watched.events(definition("public.orders", "tenant_id", "id"), LSN + 3, 1, COMMIT);
        assertThat(told.get("public.orders")).as("written by an older trigger function, without it").isEmpty();
    }
}
