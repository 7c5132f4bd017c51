package dev.strata.capture.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.capture.TenantResolver;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ReplicaIdentity;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A table definition as it travels through the source's WAL: a TRANSACTIONAL logical decoding
 * message with prefix {@value #PREFIX} whose content is the JSON of
 * {@link dev.strata.schemas.ddl.TableDefinition}, written by the event trigger in the DDL's own
 * transaction (or by {@link DdlHistory} at startup). Capture turns it into one DDL event per tenant
 * of the table, keyed by the tenant, so it lands in the tenant's partition in order with the rows:
 * in a shared-schema table (the tenant column) every known tenant, in a tenant's schema that
 * tenant, in a shared table its home tenant. A table capture does not capture is left out.
 */
public final class DdlMessage {
    public static final String PREFIX = "strata.ddl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final TenantResolver tenants;
    private final KnownTenants known;
    private final Predicate<String> captured;
    private final BiConsumer<String, Optional<ReplicaIdentity>> defined;
    /** The last definition seen per captured table, in WAL order: what is in force for a change converted now. */
    private final java.util.Map<String, String> lastDefinitions = new java.util.TreeMap<>();
    /** Tenants whose first row change since capture started was preceded by the definitions in force. */
    private final java.util.Set<String> served = new java.util.HashSet<>();

    /** @param captured whether capture captures a table ({@code schema.table}) */
    public DdlMessage(String source, TenantResolver tenants, KnownTenants known, Predicate<String> captured) {
        this(source, tenants, known, captured, (table, identity) -> { });
    }

    /**
     * @param defined told of each captured table a definition arrives for, with the replica identity it states (empty when
     *     written without one), in WAL order: before the table's changes after it
     */
    public DdlMessage(String source, TenantResolver tenants, KnownTenants known, Predicate<String> captured,
                      BiConsumer<String, Optional<ReplicaIdentity>> defined) {
        this.source = source;
        this.tenants = tenants;
        this.known = known;
        this.captured = captured;
        this.defined = defined;
    }

    /**
     * The DDL events of one message; none for a table capture does not capture or that has no tenant.
     *
     * @throws IllegalArgumentException when the content is not a table definition
     */
    public List<ChangeEvent> events(byte[] content, long lsn, long txId, long commitMicros) {
        String json = new String(content, StandardCharsets.UTF_8);
        JsonNode root = parse(json, lsn);
        String table = root == null ? null : root.path("table").asText(null);
        if (table == null) {
            throw new IllegalArgumentException("logical message " + PREFIX + " at lsn " + lsn + " names no table");
        }
        if (!captured.test(table)) {
            return List.of();
        }
        defined.accept(table, replicaIdentity(root));
        lastDefinitions.put(table, json);
        List<ChangeEvent> events = new ArrayList<>();
        long order = 0;
        for (String tenant : tenantsOf(table, hasColumn(root, tenants.tenantColumn()))) {
            events.add(new ChangeEvent(tenant, source, table, Op.DDL, commitMicros, lsn, txId, order++, null, null, null,
                    "ddl:" + lsn + ":" + tenant, null, null, null, json, null));
        }
        return events;
    }

    /**
     * The definitions in force for {@code tenant}'s tables, at the position of its first change since
     * capture started (same LSN and order: read before that change): a tenant new to capture missed
     * the definitions sent before it was known. Empty after the tenant's first call. Only the engine's
     * thread calls this and {@link #events}.
     */
    public List<ChangeEvent> forNewTenant(String tenant, long lsn, long txOrder, long txId, long commitMicros) {
        if (lastDefinitions.isEmpty() || !served.add(tenant)) {
            return List.of(); // nothing to send yet: the definitions written once capture streams reach it as a known tenant
        }
        List<ChangeEvent> events = new ArrayList<>();
        for (java.util.Map.Entry<String, String> e : lastDefinitions.entrySet()) {
            boolean hasTenantColumn = hasColumn(parse(e.getValue(), lsn), tenants.tenantColumn());
            if (tenants.sourceOf(e.getKey(), hasTenantColumn) == TenantResolver.Source.TENANT_COLUMN
                    || tenantsOf(e.getKey(), hasTenantColumn).contains(tenant)) {
                events.add(new ChangeEvent(tenant, source, e.getKey(), Op.DDL, commitMicros, lsn, txId, txOrder, null, null, null,
                        "ddl:" + lsn + ":" + txOrder + ":" + tenant + ":" + e.getKey(), null, null, null, e.getValue(), null));
            }
        }
        return events;
    }

    private static JsonNode parse(String json, long lsn) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("logical message " + PREFIX + " at lsn " + lsn + " is not JSON: " + e.getMessage(), e);
        }
    }

    private Collection<String> tenantsOf(String table, boolean hasTenantColumn) {
        if (tenants.sourceOf(table, hasTenantColumn) == TenantResolver.Source.TENANT_COLUMN) {
            return known.all();
        }
        return tenants.resolve(table, false, null) instanceof TenantResolver.Tenant t ? List.of(t.id()) : List.of();
    }

    private static Optional<ReplicaIdentity> replicaIdentity(JsonNode root) {
        String kind = root.path("replicaIdentity").asText("");
        if (kind.length() != 1) {
            return Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        root.path("replicaIdentityColumns").forEach(c -> columns.add(c.asText()));
        return Optional.of(new ReplicaIdentity(kind.charAt(0), columns));
    }

    private static boolean hasColumn(JsonNode root, String column) {
        for (JsonNode c : root.path("columns")) {
            if (column.equals(c.path("name").asText()) && !c.path("dropped").asBoolean()) {
                return true;
            }
        }
        return false;
    }
}
