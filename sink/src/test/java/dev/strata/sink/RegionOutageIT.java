package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backup region goes away (connections refused, then a hung gateway): offsets stop, lag and debt grow, the
 * region's health meters say so within seconds, nothing is lost; it comes back: the sink catches up.
 */
@ExtendWith(LocalStackExtension.class)
class RegionOutageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> TENANTS = List.of("acme", "globex");

    @Test
    void holdsOffsetsBackWhileTheBackupRegionIsDownAndCatchesUpAfter(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "outage", 2)) {
            List<ChangeEvent> events = new ArrayList<>(bed.events(TENANTS, 0, 1_000, SinkTestBed.BASE_COMMIT_MICROS));
            bed.produce(events);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), registry, Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
                Map<Integer, Long> before = bed.committed();
                long watermarkBefore = bed.watermarks().get("acme").durableCommitMicros();

                stores.backup().stopGateway();
                long down = System.nanoTime();
                try {
                    List<ChangeEvent> during = bed.events(TENANTS, 1_000, 1_000, SinkTestBed.BASE_COMMIT_MICROS);
                    events.addAll(during);
                    bed.produce(during);
                    SinkTestBed.await("replication debt to cover what was produced", TIMEOUT,
                            () -> gauge(registry, "strata.sink.replication.debt.events") >= during.size());
                    assertThat(gauge(registry, "strata.sink.replication.debt.bytes")).isPositive();
                    assertThat(gauge(registry, "strata.sink.backup.lag.seconds")).as("lag while the backup is down").isPositive();
                    assertThat(bed.committed()).as("no offset moves while only one region holds the data").isEqualTo(before);
                    assertThat(bed.watermarks().get("acme").durableCommitMicros()).isEqualTo(watermarkBefore);
                    assertThat(bed.eventIds(SinkTestBed.segments(bed.primaryReader(), "acme")))
                            .as("the primary keeps taking segments").hasSize(2_000);
                    assertThat(sink.failure()).isEmpty();
                    SinkTestBed.await("the backup region marked failing", TIMEOUT, () -> regionGauge(registry, FAILING, "backup") == 1);
                    System.out.printf("RegionOutageIT: refused connections: backup marked failing after %.1f s%n", since(down));
                    assertThat(regionGauge(registry, FAILING, "primary")).as("the primary answers").isZero();
                } finally {
                    stores.backup().startGateway();
                }
                long up = System.nanoTime();
                SinkTestBed.await("the backup region answering again", TIMEOUT, () -> regionGauge(registry, FAILING, "backup") == 0);
                System.out.printf("RegionOutageIT: backup answering again %.1f s after its gateway came back%n", since(up));
                bed.awaitAllCommitted(TIMEOUT);
                SinkTestBed.await("debt to be paid", TIMEOUT, () -> gauge(registry, "strata.sink.replication.debt.events") == 0);
                SinkTestBed.await("lag back to 0", TIMEOUT, () -> gauge(registry, "strata.sink.backup.lag.seconds") == 0);
                assertThat(registry.get("strata.sink.upload.retries").tag("region", "backup").counter().count()).isPositive();
                assertThat(bed.watermarks().get("acme").durableCommitMicros()).isGreaterThan(watermarkBefore);

                // a hung gateway accepts connections and answers nothing: no call fails for a socket timeout's length
                stores.backup().freezeGateway();
                long hung = System.nanoTime();
                try {
                    List<ChangeEvent> whileHung = bed.events(TENANTS, 2_000, 200, SinkTestBed.BASE_COMMIT_MICROS);
                    events.addAll(whileHung);
                    bed.produce(whileHung);
                    SinkTestBed.await("the hung backup region seen", TIMEOUT, () -> regionGauge(registry, FAILING, "backup") == 1
                            || regionGauge(registry, OLDEST_CALL, "backup") > 5);
                    System.out.printf("RegionOutageIT: hung gateway: failing=%.0f, oldest call %.1f s, after %.1f s%n",
                            regionGauge(registry, FAILING, "backup"), regionGauge(registry, OLDEST_CALL, "backup"), since(hung));
                } finally {
                    stores.backup().thawGateway();
                }
                long thawed = System.nanoTime();
                SinkTestBed.await("the thawed backup region answering", TIMEOUT, () -> regionGauge(registry, FAILING, "backup") == 0
                        && regionGauge(registry, OLDEST_CALL, "backup") < 5);
                System.out.printf("RegionOutageIT: thawed backup answering after %.1f s%n", since(thawed));
                bed.awaitAllCommitted(TIMEOUT);
            }
            for (String tenant : TENANTS) {
                Map<ObjectKey, byte[]> inPrimary = SinkTestBed.segments(bed.primaryReader(), tenant);
                Map<ObjectKey, byte[]> inBackup = SinkTestBed.segments(bed.backupReader(), tenant);
                assertThat(inBackup.keySet()).isEqualTo(inPrimary.keySet());
                inPrimary.forEach((key, bytes) -> assertThat(Sha256.of(inBackup.get(key))).isEqualTo(Sha256.of(bytes)));
                assertThat(bed.eventIds(inBackup)).as("tenant %s: nothing lost, nothing twice", tenant)
                        .containsExactlyElementsOf(SinkTestBed.ids(events, tenant));
            }
        }
    }

    private static final String FAILING = "strata.sink.region.failing";
    private static final String OLDEST_CALL = "strata.sink.region.oldest.call.seconds";

    private static double regionGauge(SimpleMeterRegistry registry, String name, String region) {
        return registry.get(name).tag("region", region).gauge().value();
    }

    private static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}
