package dev.strata.capture;

import dev.strata.capture.order.CommitOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommitOrderTest {

    @Test
    void takesDebeziumsLastCommitLsn() {
        CommitOrder order = new CommitOrder();
        assertThat(order.of("[\"24023128\",\"24023312\"]", 7, 24023312)).isEqualTo(24023128);
        assertThat(CommitOrder.previousCommit("[null,\"24023312\"]")).isNull();
        assertThat(CommitOrder.previousCommit(null)).isNull();
    }

    @Test
    void readsTheFirstElementWithOrWithoutQuotesAndBlanks() {
        assertThat(CommitOrder.previousCommit("[ \"24023128\" , \"24023312\"]")).isEqualTo(24023128L);
        assertThat(CommitOrder.previousCommit("[24023128,24023312]")).isEqualTo(24023128L);
        assertThat(CommitOrder.previousCommit("[ null ,\"24023312\"]")).isNull();
        assertThatThrownBy(() -> CommitOrder.previousCommit("[\"null\",\"1\"]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not start with an LSN");
        assertThatThrownBy(() -> CommitOrder.previousCommit("[\"\",\"1\"]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstTransactionOfAFreshStreamFollowsTheSnapshotRowsAndKeepsOneValue() {
        CommitOrder order = new CommitOrder();
        order.snapshotRow(5000);
        // in flight across the snapshot point: its changes have LSNs below the snapshot's, its commit is after it
        assertThat(order.of("[null,\"4000\"]", 700, 4000)).isEqualTo(5000);
        assertThat(order.of("[null,\"4100\"]", 700, 4100)).as("one value for the whole transaction").isEqualTo(5000);
        assertThat(order.of("[\"6000\",\"5900\"]", 701, 5900)).as("the next one, after the first commit").isEqualTo(6000);
    }

    @Test
    void withoutASnapshotTheFirstTransactionTakesItsFirstChangesLsn() {
        CommitOrder order = new CommitOrder();
        assertThat(order.of(null, 9, 4000)).isEqualTo(4000);
        assertThat(order.of(null, 9, 4200)).isEqualTo(4000);
    }

    @Test
    void anUnknownSequenceFormatIsRefusedNamingIt() {
        assertThatThrownBy(() -> CommitOrder.previousCommit("24023128")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.sequence '24023128'");
    }
}
