package dev.strata.capture.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointMessageTest {

    @Test
    void roundTripsThroughTheWalAndBecomesOneStableEventPerTenant() {
        CheckpointMessage taken = new CheckpointMessage("100:105:101,103", 1_700_000_000_123_456L, Map.of(
                "initech", new ArrayList<>(List.of(new CheckpointMessage.TableCount("public.orders", 2, "77"))),
                "acme", new ArrayList<>(List.of(new CheckpointMessage.TableCount("public.orders", 3, "-12")))));

        List<ChangeEvent> events = CheckpointMessage.decode(taken.encode()).events("app", 42);

        assertThat(events).extracting(e -> e.getTenant().toString()).containsExactly("acme", "initech");
        ChangeEvent acme = events.get(0);
        assertThat(acme.getOp()).isEqualTo(Op.CHECKPOINT);
        assertThat(acme.getEventId().toString()).isEqualTo("cp:42:acme");
        assertThat(acme.getCommitTsMicros()).isEqualTo(1_700_000_000_123_456L);
        assertThat(acme.getCheckpoint().getSnapshot().toString()).isEqualTo("100:105:101,103");
        assertThat(acme.getCheckpoint().getTables()).singleElement()
                .satisfies(t -> assertThat(t.getRowCount()).isEqualTo(3))
                .satisfies(t -> assertThat(t.getChecksum().toString()).isEqualTo("-12"));
    }

    @Test
    void refusesAMessageThatIsNotACheckpoint() {
        assertThatThrownBy(() -> CheckpointMessage.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a checkpoint");
    }
}
