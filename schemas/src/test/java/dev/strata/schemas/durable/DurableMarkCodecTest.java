package dev.strata.schemas.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DurableMarkCodecTest {
    private static final DurableMark MARK = new DurableMark(TenantId.of("acme"), "eu", 1_795_256_130_123_456L, 24_023_128L, 3, 88_211,
            1_795_256_131_004_211L);

    @Test
    void roundTripsAndReadsAsPlainJson() {
        byte[] bytes = DurableMarkCodec.encode(MARK);
        assertThat(DurableMarkCodec.decode(bytes)).isEqualTo(MARK);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"format\":\"strata-durable-mark\",\"version\":1,"
                + "\"tenant\":\"acme\",\"regime\":\"eu\",\"point\":\"2026-11-21T10:15:30.123456Z\",\"pointMicros\":1795256130123456,"
                + "\"lsn\":24023128,\"partition\":3,\"committedOffset\":88211,\"writtenAt\":\"2026-11-21T10:15:31.004211Z\","
                + "\"writtenAtMicros\":1795256131004211}");
    }

    @Test
    void isStoredUnderItsPointPartitionAndOffset() {
        assertThat(BackupLayout.mark(MARK.key()).value())
                .isEqualTo("strata/v1/tenants/acme/durable/20261121/10/20261121T101530.123456Z_p0000000003_0000000000000088211.mark");
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        String json = new String(DurableMarkCodec.encode(MARK), StandardCharsets.UTF_8).replace("}", ",\"future\":[1]}");
        assertThat(DurableMarkCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(MARK);
    }

    @Test
    void refusesWhatIsNotAMark() {
        assertThatThrownBy(() -> DurableMarkCodec.decode("{\"format\":\"strata-watermark\",\"version\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not strata-durable-mark version 1");
        assertThatThrownBy(() -> DurableMarkCodec.decode("{".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("not valid JSON");
        String noPoint = new String(DurableMarkCodec.encode(MARK), StandardCharsets.UTF_8).replace("\"pointMicros\":", "\"pointMicro\":");
        assertThatThrownBy(() -> DurableMarkCodec.decode(noPoint.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("field 'pointMicros' is missing");
        String badTenant = new String(DurableMarkCodec.encode(MARK), StandardCharsets.UTF_8).replace("\"acme\"", "\"a/b\"");
        assertThatThrownBy(() -> DurableMarkCodec.decode(badTenant.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
