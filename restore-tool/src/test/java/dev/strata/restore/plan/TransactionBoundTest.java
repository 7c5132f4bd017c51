package dev.strata.restore.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.TenantId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --until-xid as a cut time plus the transactions of that cut time to leave out, or a refusal naming what to give. */
class TransactionBoundTest {
    private static final TenantId ACME = TenantId.of("acme");
    // in commit order: 101 (cut 10), 102 and 103 share cut 20 (103's commit time is earlier: an inversion), 104 (cut 30)
    private static final List<CommittedTransaction> LOG = List.of(
            new CommittedTransaction(101, 1000L, 10), new CommittedTransaction(102, 2000L, 20),
            new CommittedTransaction(103, 3000L, 20), new CommittedTransaction(104, 4000L, 30));

    @Test
    void anXidKeepsItsCutTimeWithoutTheTransactionsCommittedAfterIt() {
        TransactionBound to102 = TransactionBound.toXid(ACME, LOG, 102);
        assertThat(to102.cutMicros()).isEqualTo(20);
        assertThat(to102.excluded()).containsExactly(103L);
        assertThat(to102.filter().includes(101)).isTrue();
        assertThat(to102.filter().includes(103)).isFalse();
        assertThat(TransactionBound.toXid(ACME, LOG, 103).excluded()).isEmpty();
    }

    @Test
    void anXidTheBackupCannotPlaceIsRefusedNamingWhatToGive() {
        assertThatThrownBy(() -> TransactionBound.toXid(ACME, LOG, 999)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("transaction 999 changed nothing of tenant acme").hasMessageContaining("--until with a time");
        List<CommittedTransaction> old = List.of(new CommittedTransaction(55, null, 5), new CommittedTransaction(101, 1000L, 10));
        assertThatThrownBy(() -> TransactionBound.toXid(ACME, old, 55)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("before the backup recorded commit order").hasMessageContaining("--until " + RestoreTime.format(5));
        List<CommittedTransaction> wrapped = List.of(new CommittedTransaction(7, 1000L, 10), new CommittedTransaction(7, 9000L, 90));
        assertThatThrownBy(() -> TransactionBound.toXid(ACME, wrapped, 7)).hasMessageContaining("wrapped around");
    }

    @Test
    void exactlyOneRestorePointIsGiven() {
        assertThatThrownBy(() -> RecoveryTarget.of("latest", "5")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("more than one restore point given (--until, --until-xid)");
        assertThatThrownBy(() -> RecoveryTarget.of(null, null)).hasMessageContaining("no restore point given");
        assertThat(RecoveryTarget.of(null, "4711")).isEqualTo(new RecoveryTarget.Xid(4711));
    }
}
