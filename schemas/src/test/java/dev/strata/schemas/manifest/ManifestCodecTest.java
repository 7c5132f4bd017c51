package dev.strata.schemas.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.SegmentKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    static final TenantId ACME = TenantId.of("acme");
    static final UtcHour HOUR = UtcHour.containing(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void roundTripsAndIsDeterministic() {
        Manifest manifest = manifest(HOUR, 0, Optional.of(Sha256.of(new byte[] {1})), 3);
        byte[] bytes = ManifestCodec.encode(manifest);
        assertThat(ManifestCodec.decode(bytes)).isEqualTo(manifest);
        assertThat(ManifestCodec.encode(ManifestCodec.decode(bytes))).isEqualTo(bytes);

        List<ManifestEntry> shuffled = new ArrayList<>(manifest.entries());
        Collections.reverse(shuffled);
        Manifest sameObjectsOtherOrder = new Manifest(ACME, HOUR, 0, manifest.previous(), shuffled);
        assertThat(ManifestCodec.encode(sameObjectsOtherOrder)).isEqualTo(bytes);
        assertThat(ManifestCodec.seal(manifest).sha256()).isEqualTo(Sha256.of(bytes));
    }

    @Test
    void isReadableJsonWithAFixedFieldOrder() {
        Manifest manifest = manifest(HOUR, 1, Optional.empty(), 1);
        String json = new String(ManifestCodec.encode(manifest), StandardCharsets.UTF_8);
        ManifestEntry e = manifest.entries().get(0);
        assertThat(json).isEqualTo("{\"format\":\"strata-manifest\",\"version\":1,\"tenant\":\"acme\",\"hour\":\"2026-11-21T10:00:00Z\","
                + "\"seq\":1,\"previous\":null,\"entries\":[{\"key\":\"" + e.key() + "\",\"size\":" + e.size()
                + ",\"sha256\":\"" + e.sha256().hex() + "\"}]}\n");
    }

    @Test
    void readingIsStrict() {
        String good = new String(ManifestCodec.encode(manifest(HOUR, 0, Optional.empty(), 1)), StandardCharsets.UTF_8);
        assertRejected("not json", "not valid JSON");
        assertRejected("[]", "not a JSON object");
        assertRejected(good.replace("\"seq\":0", "\"seq\":0,\"extra\":1"), "unknown field 'extra'");
        assertRejected(good.replace("\"seq\":0", "\"seq\":0,\"seq\":1"), "Duplicate field 'seq'");
        assertRejected(good.replace("\"version\":1", "\"version\":2"), "upgrade the tool");
        assertRejected(good.replace(",\"previous\":null", ""), "lacks field 'previous'");
        assertRejected(good.replace("10:00:00Z", "10:30:00Z"), "not the start of an hour");
        assertRejected(good.replace("\"tenant\":\"acme\"", "\"tenant\":\"a/b\""), "tenant id 'a/b' is invalid");
        assertRejected(good.replace("strata/v1/tenants/acme/", "strata/v1/tenants/other/"), "vouches only for its own tenant");
        assertRejected(good.replace("\"size\":", "\"size\":-"), "is negative");
    }

    @Test
    void entriesMustBeUniqueAndOfTheTenant() {
        ManifestEntry e = manifest(HOUR, 0, Optional.empty(), 1).entries().get(0);
        assertThatThrownBy(() -> new Manifest(ACME, HOUR, 0, Optional.empty(), List.of(e, e))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new Manifest(TenantId.of("other"), HOUR, 0, Optional.empty(), List.of(e)))
                .hasMessageContaining("not under strata/v1/tenants/other/");
    }

    @Test
    void anEntryMatchesOnlyItsOwnBytes() {
        byte[] bytes = "segment".getBytes(StandardCharsets.UTF_8);
        ManifestEntry entry = new ManifestEntry(BackupLayout.segment(new SegmentKey(ACME, 0, 0, 0, 0, 0)), bytes.length, Sha256.of(bytes));
        assertThat(entry.matches(bytes)).isTrue();
        assertThat(entry.matches("Segment".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(entry.matches("segment!".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    static Manifest manifest(UtcHour hour, int seq, Optional<Sha256> previous, int entries) {
        List<ManifestEntry> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            long t = hour.startMicros() + i * 1_000_000L;
            byte[] body = ("segment " + hour + " " + seq + " " + i).getBytes(StandardCharsets.UTF_8);
            list.add(new ManifestEntry(BackupLayout.segment(new SegmentKey(ACME, t, t + 500, i % 2, 100L * i, 100L * i + 99)),
                    body.length, Sha256.of(body)));
        }
        return new Manifest(ACME, hour, seq, previous, list);
    }

    private static void assertRejected(String json, String messagePart) {
        assertThatThrownBy(() -> ManifestCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .as(json)
                .isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining(messagePart);
    }
}
