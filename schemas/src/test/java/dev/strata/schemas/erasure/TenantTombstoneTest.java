package dev.strata.schemas.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantTombstoneTest {
    private static final TenantId ACME = TenantId.of("acme");

    @Test
    void aMovesTombstoneNamesTheNewRegimeAndSurvivesTheRoundTrip() {
        TenantTombstone moved = new TenantTombstone(ACME, "us", "2026-12-05T10:00:00.000000Z", "ops", "law changed", Optional.of("eu"));

        TenantTombstone read = TenantTombstone.parse(moved.toJson());

        assertThat(read).isEqualTo(moved);
        assertThat(read.sentence()).isEqualTo("tenant acme was moved to regime eu at 2026-12-05T10:00:00.000000Z by ops (law changed);"
                + " its backup in regime us was erased, restore it from eu");
    }

    @Test
    void aTombstoneWrittenBeforeMovesIsAnErasure() {
        byte[] older = ("{\"format\":\"strata-tenant-tombstone\",\"version\":1,\"tenant\":\"acme\",\"regime\":\"us\","
                + "\"erasedAt\":\"2026-12-05T10:00:00.000000Z\",\"erasedBy\":\"ops\",\"reason\":\"contract ended\"}")
                .getBytes(StandardCharsets.UTF_8);

        TenantTombstone read = TenantTombstone.parse(older);

        assertThat(read.movedTo()).isEmpty();
        assertThat(read.sentence()).isEqualTo("tenant acme was erased at 2026-12-05T10:00:00.000000Z by ops (contract ended)");
    }
}
