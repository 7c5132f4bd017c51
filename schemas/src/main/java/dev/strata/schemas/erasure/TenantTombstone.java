package dev.strata.schemas.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.json.VersionedJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The write-once record that a tenant was erased, stored as JSON at
 * {@code strata/v1/erased/<tenant>.tombstone} in both regions of its regime (locked like every
 * object there). Written before its data keys are destroyed, so a restore that finds it refuses
 * with who and when rather than failing later on a key that is gone.
 *
 * @param erasedAt ISO-8601 UTC, when the erasure was requested
 * @param erasedBy who asked (the operator's name as given, else the OS user running the tool)
 * @param movedTo the regime that holds the tenant's backup now, when the erasure ended a move ({@code tenants move}); a
 *        reader of an older version sees an erased tenant, which in this regime it is
 */
public record TenantTombstone(TenantId tenant, String regime, String erasedAt, String erasedBy, String reason, Optional<String> movedTo) {
    private static final String FORMAT = "strata-tenant-tombstone";
    private static final int VERSION = 1;
    private static final VersionedJson JSON = new VersionedJson("tenant tombstone", FORMAT, VERSION);
    private static final ObjectMapper WRITER = new ObjectMapper();

    public TenantTombstone {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(erasedAt, "erasedAt");
        Objects.requireNonNull(erasedBy, "erasedBy");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(movedTo, "movedTo");
    }

    /** The tombstone of an erasure asked for by {@code tenants erase}. */
    public TenantTombstone(TenantId tenant, String regime, String erasedAt, String erasedBy, String reason) {
        this(tenant, regime, erasedAt, erasedBy, reason, Optional.empty());
    }

    /** "tenant acme was erased at 2026-12-05T10:00:00Z by ops (contract ended)": the sentence every refusal starts with. */
    public String sentence() {
        return movedTo.map(to -> "tenant " + tenant + " was moved to regime " + to + " at " + erasedAt + " by " + erasedBy + " (" + reason
                        + "); its backup in regime " + regime + " was erased, restore it from " + to)
                .orElse("tenant " + tenant + " was erased at " + erasedAt + " by " + erasedBy + " (" + reason + ")");
    }

    public byte[] toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("format", FORMAT);
        fields.put("version", VERSION);
        fields.put("tenant", tenant.value());
        fields.put("regime", regime);
        fields.put("erasedAt", erasedAt);
        fields.put("erasedBy", erasedBy);
        fields.put("reason", reason);
        movedTo.ifPresent(to -> fields.put("movedTo", to));
        try {
            return WRITER.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the tombstone of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the field when the bytes are not a tombstone of this version */
    public static TenantTombstone parse(byte[] bytes) {
        JsonNode root = JSON.read(bytes);
        try {
            JsonNode movedTo = root.get("movedTo");
            return new TenantTombstone(TenantId.of(JSON.text(root, "tenant")), JSON.text(root, "regime"), JSON.text(root, "erasedAt"),
                    JSON.text(root, "erasedBy"), JSON.text(root, "reason"),
                    movedTo == null || movedTo.isNull() ? Optional.empty() : Optional.of(movedTo.asText()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tenant tombstone: " + e.getMessage(), e);
        }
    }
}
