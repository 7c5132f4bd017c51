package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.sink.residency.ResidencyGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "eu");

    @Test
    void anErasedTenantsChangesAreParkedAsErasedAndItsHeartbeatsDropped() {
        Admission admission = new Admission(new ResidencyGuard("eu", tenant -> Optional.empty()), Set.of("gone")::contains, metrics);

        Admission.Verdict change = admission.admit(LoopBed.change("gone", 7).value());
        Admission.Verdict heartbeat = admission.admit(LoopBed.heartbeat("gone", 8, LoopBed.COMMIT_MICROS).value());
        Admission.Verdict other = admission.admit(LoopBed.change("acme", 9).value());

        assertThat(change).isInstanceOfSatisfying(Admission.Park.class, park -> {
            assertThat(park.reason()).isEqualTo(DeadLetterReason.ERASED);
            assertThat(park.tenant()).isEqualTo("gone");
            assertThat(park.detail()).contains("tenant gone was erased", "tenants erase");
        });
        assertThat(heartbeat).isInstanceOf(Admission.Drop.class);
        assertThat(other).isInstanceOf(Admission.Append.class);
    }

    @Test
    void erasureWinsOverAPlacementInAnotherRegime() {
        Admission admission = new Admission(new ResidencyGuard("eu", tenant -> Optional.of("us")), Set.of("gone")::contains, metrics);

        assertThat(admission.admit(LoopBed.change("gone", 1).value()))
                .isInstanceOfSatisfying(Admission.Park.class, park -> assertThat(park.reason()).isEqualTo(DeadLetterReason.ERASED));
        assertThat(admission.admit(LoopBed.change("acme", 2).value()))
                .isInstanceOfSatisfying(Admission.Park.class, park -> assertThat(park.reason()).isEqualTo(DeadLetterReason.WRONG_REGIME));
    }

    @Test
    void aMovingTenantIsStoredByTheSinksOfBothRegimesAndRefusedByAThird() {
        String moving = PlacementValue.moving("us", "eu").format();
        for (String regime : new String[] {"us", "eu"}) {
            Admission admission = new Admission(new ResidencyGuard(regime, tenant -> Optional.of(moving)), Set.<String>of()::contains,
                    metrics);
            assertThat(admission.admit(LoopBed.change("acme", 1).value())).as(regime).isInstanceOf(Admission.Append.class);
            assertThat(admission.admit(LoopBed.heartbeat("acme", 2, LoopBed.COMMIT_MICROS).value())).as(regime)
                    .isInstanceOf(Admission.Heartbeat.class);
        }
        Admission apac = new Admission(new ResidencyGuard("apac", tenant -> Optional.of(moving)), Set.<String>of()::contains, metrics);
        assertThat(apac.admit(LoopBed.change("acme", 3).value())).isInstanceOfSatisfying(Admission.Park.class, park -> {
            assertThat(park.reason()).isEqualTo(DeadLetterReason.WRONG_REGIME);
            assertThat(park.detail()).contains("'eu (moving from us)'");
        });
    }
}
