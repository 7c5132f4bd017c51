package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncrementalSnapshotProgressTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IncrementalSnapshotProgress progress =
            new IncrementalSnapshotProgress("app", new CaptureMetrics(registry, Clock.systemUTC(), "app"));

    @Test
    void eachTableStartsWhenItHeadsTheOffsetsListAndEndsWhenItLeavesIt() {
        Map<String, String> both = offset("public.invoices", "public.refunds");
        progress.acknowledged(Map.of("lsn", "1"), List.of(event(Op.CREATE, "public.orders")));
        assertThat(count("public.orders", "started")).isZero();
        progress.acknowledged(both, List.of());
        progress.acknowledged(both, List.of(event(Op.READ, "public.invoices"), event(Op.READ, "public.invoices")));
        assertThat(count("public.invoices", "started")).isEqualTo(1);
        assertThat(count("public.invoices", "completed")).isZero();
        progress.acknowledged(offset("public.refunds"), List.of(event(Op.READ, "public.refunds")));
        assertThat(count("public.invoices", "completed")).isEqualTo(1);
        assertThat(count("public.refunds", "started")).isEqualTo(1);
        assertThat(count("public.refunds", "completed")).isZero();
        progress.acknowledged(Map.of("lsn", "9"), List.of());
        assertThat(count("public.refunds", "completed")).isEqualTo(1);
        assertThat(count("public.invoices", "started")).as("once per table").isEqualTo(1);
    }

    private double count(String table, String state) {
        var counter = registry.find(CaptureMetrics.INCREMENTAL_SNAPSHOTS).tag("table", table).tag("state", state).counter();
        return counter == null ? 0 : counter.count();
    }

    /** As Debezium stores it: a JSON list, the table being read first. */
    private static Map<String, String> offset(String... tables) {
        List<String> entries = new ArrayList<>();
        for (String table : tables) {
            entries.add("{\"incremental_snapshot_collections_id\":\"" + table
                    + "\",\"incremental_snapshot_collections_additional_condition\":null}");
        }
        return Map.of("lsn", "5", IncrementalSnapshotProgress.COLLECTIONS_KEY, "[" + String.join(",", entries) + "]");
    }

    private static ChangeEvent event(Op op, String table) {
        ChangeEvent event = new ChangeEvent();
        event.setOp(op);
        event.setTable(table);
        return event;
    }
}
