package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentTenants;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.segment.UnreadableSegmentException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A segment is read only as the tenant it is filed under: another tenant's event is refused, naming the object. */
class TenantBindingTest {
    private static final String KEY = "strata/v1/tenants/tamper/log/20261121/06/x.seg";

    private static Segment segment(String... tenants) {
        List<ChangeEvent> events = new ArrayList<>();
        long lsn = 100;
        for (String tenant : tenants) {
            events.add(insert(tenant, "public.orders", lsn, lsn, lsn, "row"));
            lsn++;
        }
        return SegmentWriter.encode(events);
    }

    @Test
    void theFastDecoderReadsTheTenantsOwnSegment() {
        List<FoldOp> ops = new ArrayList<>();
        FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("tamper"), new ShapeCatalog(), Long.MAX_VALUE)
                .decode(segment("tamper", "tamper").bytes(), KEY, ops::add);
        assertThat(counts.events()).isEqualTo(2);
        assertThat(ops).hasSize(2);
    }

    @Test
    void theFastDecoderRefusesAnotherTenantsSegment() {
        assertThatThrownBy(() -> new FastSegmentDecoder(TenantId.of("tamper"), new ShapeCatalog(), Long.MAX_VALUE)
                .decode(segment("eff", "eff").bytes(), KEY, op -> { }))
                .isInstanceOfSatisfying(ForeignTenantException.class, e -> {
                    assertThat(e.source()).isEqualTo(KEY);
                    assertThat(e.found()).isEqualTo("eff");
                })
                .hasMessageContaining(KEY).hasMessageContaining("'eff'").hasMessageContaining("restore-tool verify --tenant tamper")
                .hasMessageContaining("writer key");
    }

    @Test
    void oneForeignEventAmongOwnOnesIsRefusedAndNothingAfterItIsFolded() {
        List<FoldOp> ops = new ArrayList<>();
        SegmentFold fold = new SegmentFold(TenantId.of("tamper"), new ShapeCatalog(), Long.MAX_VALUE);
        Segment mixed = segment("tamper", "eff", "tamper");
        assertThatThrownBy(() -> fold.read(mixed.bytes(), KEY, ops::add))
                .isInstanceOf(ForeignTenantException.class).hasMessageContaining("event 1 belongs to tenant 'eff'");
        assertThat(ops).hasSize(1);
    }

    @Test
    void aTenantIdThatIsAPrefixOfAnotherIsNotTheSame() {
        assertThatThrownBy(() -> new FastSegmentDecoder(TenantId.of("tam"), new ShapeCatalog(), Long.MAX_VALUE)
                .decode(segment("tamper").bytes(), KEY, op -> { }))
                .isInstanceOf(ForeignTenantException.class);
        assertThatThrownBy(() -> new FastSegmentDecoder(TenantId.of("tamper"), new ShapeCatalog(), Long.MAX_VALUE)
                .decode(segment("tam").bytes(), KEY, op -> { }))
                .isInstanceOf(ForeignTenantException.class);
    }

    @Test
    void theTenantScanChecksEveryEvent() {
        Segment own = segment("tamper", "tamper", "tamper");
        assertThat(SegmentTenants.requireTenant(own.bytes(), TenantId.of("tamper"), KEY)).isEqualTo(3);
        Segment mixed = segment("tamper", "tamper", "eff");
        assertThatThrownBy(() -> SegmentTenants.requireTenant(mixed.bytes(), TenantId.of("tamper"), KEY))
                .isInstanceOf(ForeignTenantException.class).hasMessageContaining("event 2 belongs to tenant 'eff'");
        assertThatThrownBy(() -> SegmentTenants.requireTenant("not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                TenantId.of("tamper"), KEY)).isInstanceOf(UnreadableSegmentException.class).hasMessageContaining(KEY);
    }
}
