package dev.strata.restore.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.Region;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    @Test
    void showsEachRegionsDurablePointOrWhyItIsUnknown() {
        long durable = RestoreTime.parse("2026-11-21T10:00:00Z");
        TenantStatus behind = new TenantStatus("acme", Optional.of("us"), Optional.of(durable), 3.25, Optional.of("24023128"),
                Map.of(Region.PRIMARY, RegionPoint.marked(durable + 500_000),
                        Region.BACKUP, RegionPoint.unknown("unreadable: connection refused")), "PASS 2026-11-21T09:00:03Z", Optional.empty());
        TenantStatus elsewhere = new TenantStatus("globex", Optional.of("eu"), Optional.of(durable), 0, Optional.empty(), Map.of(), "none", Optional.empty());
        TenantStatus unmarked = new TenantStatus("hooli", Optional.of("eu"), Optional.of(durable), 0, Optional.empty(),
                Map.of(Region.PRIMARY, RegionPoint.unmarked(Optional.of(durable)), Region.BACKUP, RegionPoint.unmarked(Optional.empty())),
                "none", Optional.empty());
        TenantStatus garbled = new TenantStatus("initech", Optional.empty(), Optional.empty(), 0, Optional.empty(), Map.of(), "-",
                Optional.of("watermark is not valid JSON"));
        StringWriter out = new StringWriter();

        StatusTable.print(new PrintWriter(out, true), List.of(behind, elsewhere, unmarked, garbled));

        assertThat(out.toString().lines()).containsExactly(
                "tenant                   regime   durable in both regions until  lag        durable point in primary         durable point in backup          last drill                       position",
                "acme                     us       2026-11-21T10:00:00Z           3.3s       2026-11-21T10:00:00.500Z         (unreadable: connection refused) PASS 2026-11-21T09:00:03Z        24023128",
                "globex                   eu       2026-11-21T10:00:00Z           0.0s       (not configured)                 (not configured)                 none                             -",
                "hooli                    eu       2026-11-21T10:00:00Z           0.0s       2026-11-21T10:00:00Z (unproven)  (no mark, no segment)            none                             -",
                "initech                  (unreadable watermark: watermark is not valid JSON)");
    }
}
