package dev.strata.restore.history;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionChainTest {
    private static final HistoryQuery ROW_1 = new HistoryQuery("public.docs", Map.of("id", "1"), Optional.empty(), Long.MIN_VALUE, Long.MAX_VALUE, 10);

    private static ChangeEvent change(Op op, long lsn, String body, String title) {
        List<Column> row = List.of(col("id", "bigint", 1L), col("body", "text", body), col("title", "text", title));
        return event("t", "public.docs", op, lsn * 1_000, lsn, 0, key(1), null, row);
    }

    @Test
    void anUpdateSaysWhichColumnsItChangedAndCarriesAnUnchangedToastValueFromTheVersionBefore() {
        List<RowVersion> versions = new VersionChain().versions(List.of(
                ChangeEvent.newBuilder(change(Op.UPDATE, 300, null, "third"))
                        .setAfter(List.of(col("id", "bigint", 1L), col("body", "text", Unsent.UNCHANGED), col("title", "text", "third"))).build(),
                change(Op.CREATE, 100, "long body", "first")), ROW_1);

        assertThat(versions).extracting(RowVersion::op).containsExactly(Op.CREATE, Op.UPDATE);
        assertThat(versions.get(1).changed()).contains(Map.of("title", "third"));
        assertThat(versions.get(1).row()).containsEntry("body", "long body");
    }

    @Test
    void anUpdateWhoseVersionBeforeWasNotReadDoesNotClaimToKnowWhatChanged() {
        List<RowVersion> versions = new VersionChain().versions(List.of(change(Op.UPDATE, 300, "b", "t")), ROW_1);

        assertThat(versions.get(0).changed()).isEmpty();
        assertThat(versions.get(0).justBeforeMicros()).isEqualTo(300_000 - 1);
    }

    @Test
    void aTruncateIsAVersionOfEveryRowAndAnotherRowIsNot() {
        ChangeEvent truncate = event("t", "public.docs", Op.TRUNCATE, 1_000, 1, 0, null, null, null);
        ChangeEvent otherRow = event("t", "public.docs", Op.CREATE, 2_000, 2, 0, key(2), null, List.of(col("id", "bigint", 2L)));
        ChangeEvent heartbeat = event("t", "public.docs", Op.HEARTBEAT, 3_000, 3, 0, null, null, null);

        assertThat(VersionChain.isVersionOf(truncate, ROW_1)).isTrue();
        assertThat(VersionChain.isVersionOf(otherRow, ROW_1)).isFalse();
        assertThat(VersionChain.isVersionOf(heartbeat, ROW_1)).isFalse();
    }
}
