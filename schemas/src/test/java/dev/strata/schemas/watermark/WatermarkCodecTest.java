package dev.strata.schemas.watermark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatermarkCodecTest {
    private static final Watermark WATERMARK = new Watermark(TenantId.of("acme"), "eu", 1_795_256_130_123_456L, 24_023_128L,
            "strata.routed.eu", 3, 88_211, 1_795_256_131_004_211L,
            Optional.of(new Watermark.ManifestHead(BackupLayout.manifest(new ManifestKey(TenantId.of("acme"),
                    UtcHour.containing(Instant.parse("2026-11-21T09:00:00Z")), 0)), Sha256.of(new byte[] {1}))));

    @Test
    void roundTripsAndReadsAsPlainJson() {
        byte[] bytes = WatermarkCodec.encode(WATERMARK);
        assertThat(WatermarkCodec.decode(bytes)).isEqualTo(WATERMARK);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"format\":\"strata-watermark\",\"version\":1,\"tenant\":\"acme\",\"regime\":\"eu\"")
                .contains("\"durableCommit\":\"2026-11-21T10:15:30.123456Z\"")
                .contains("\"manifestHead\":{\"key\":\"strata/v1/tenants/acme/manifests/2026112109.000000.manifest\"");
    }

    @Test
    void readsAWatermarkWithoutAHeadAndIgnoresFieldsItDoesNotKnow() {
        Watermark noHead = new Watermark(TenantId.of("acme"), "eu", 5, 6, "strata.routed.eu", 0, 7, 8, Optional.empty());
        String json = new String(WatermarkCodec.encode(noHead), StandardCharsets.UTF_8).replace("}", ",\"future\":true}");
        assertThat(WatermarkCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(noHead);
    }

    @Test
    void refusesOtherFormats() {
        assertThatThrownBy(() -> WatermarkCodec.decode("{\"format\":\"other\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not strata-watermark");
        assertThatThrownBy(() -> WatermarkCodec.decode("not json".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("not valid JSON");
    }
}
