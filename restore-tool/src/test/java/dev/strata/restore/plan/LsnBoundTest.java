package dev.strata.restore.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.TenantId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --until-lsn as PostgreSQL's recovery_target_lsn (inclusive): decided where the backup can tell, refused where it cannot. */
class LsnBoundTest {
    private static final TenantId ACME = TenantId.of("acme");
    /*
     * In commit order (previous commit end, least commit start, own commit end):
     * 101 (cut 10): after 1000, its last change at 1100, commit ends at 1200
     * 102 (cut 20): after 1500 (another tenant's commit in between), commit ends at 2000
     * 103 (cut 20, an inversion): after 2000, its changes up to 2400, commit ends at 2600
     * 104 (cut 30): after 3000, commit ends at 3200
     * and a heartbeat after 3200 proves the backup complete up to 3500.
     */
    private static final TenantTransactions LOG = new TenantTransactions(List.of(
            new CommittedTransaction(101, 1000L, 10, 1200L, 1101L), new CommittedTransaction(102, 1500L, 20, 2000L, 1500L),
            new CommittedTransaction(103, 2000L, 20, 2600L, 2401L), new CommittedTransaction(104, 3000L, 30, 3200L, 3000L)), 3500L);

    @Test
    void aTransactionIsInWhenItsCommitRecordEndsAtOrBeforeTheLsn() {
        TransactionBound atEnd = LsnBound.toLsn(ACME, LOG, 2000);
        assertThat(atEnd.cutMicros()).isEqualTo(20);
        assertThat(atEnd.excluded()).containsExactly(103L); // 103 shares the cut time but its changes start after 2000
        assertThat(LsnBound.toLsn(ACME, LOG, 2700).excluded()).isEmpty();
        assertThat(LsnBound.toLsn(ACME, LOG, 2700).cutMicros()).isEqualTo(20);
        assertThat(LsnBound.toLsn(ACME, LOG, 3400).cutMicros()).isEqualTo(30);
        assertThat(LsnBound.toLsn(ACME, LOG, 1300).describe()).contains("transaction 101").contains("0/4B0");
    }

    @Test
    void anLsnWhereTheCommitRecordMayStartIsRefusedNamingBothXids() {
        // 2000 <= 102's start; L = 1800 lies between 102's least start (1500) and its end (2000)
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, LOG, 1800)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("transaction 102").hasMessageContaining("--until-xid 102 to include it")
                .hasMessageContaining("--until-xid 101 (the tenant's transaction before it) to leave it out");
        // the first transaction: nothing before it to leave it out with
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, LOG, 1150)).hasMessageContaining("--until-xid 101 to include it")
                .hasMessageContaining("there is none before it");
        // 103's changes end at 2400: an L between 2000 and 2400 cannot hold its commit record's start
        assertThat(LsnBound.toLsn(ACME, LOG, 2300).excluded()).containsExactly(103L);
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, LOG, 2401)).hasMessageContaining("transaction 103");
    }

    @Test
    void anLsnAtOrPastWhatTheBackupProvesIsRefused() {
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, LOG, 3500)).hasMessageContaining("proven complete")
                .hasMessageContaining("0/DAC");
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, LOG, 900)).hasMessageContaining("before every transaction");
    }

    @Test
    void aBackupWithoutCommitLsnsIsRefusedNamingWhereTheyBegin() {
        TenantTransactions v4Only = new TenantTransactions(List.of(new CommittedTransaction(101, 1000L, 10),
                new CommittedTransaction(102, 1500L, 20)), 1500L);
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, v4Only, 1400)).hasMessageContaining("holds no commit LSN")
                .hasMessageContaining("ChangeEvent v5");
        // upgraded midway: v4 transactions 101, 102, then 103 with its COMMIT
        TenantTransactions upgraded = new TenantTransactions(List.of(new CommittedTransaction(101, 1000L, 10),
                new CommittedTransaction(102, 1500L, 20), new CommittedTransaction(103, 2000L, 30, 2600L, 2100L)), 3000L);
        assertThatThrownBy(() -> LsnBound.toLsn(ACME, upgraded, 1600)).hasMessageContaining("holds commit LSNs from 0/7D0 on")
                .hasMessageContaining("transaction 103");
        // from there on the older transactions are whole before it: 102's commit ends at or before 103's place
        assertThat(LsnBound.toLsn(ACME, upgraded, 2050).cutMicros()).isEqualTo(20);
        assertThat(LsnBound.toLsn(ACME, upgraded, 2600).cutMicros()).isEqualTo(30);
    }

    @Test
    void theLsnIsGivenAsPostgresPrintsIt() {
        assertThat(WalLsn.parse("16/B374D848")).isEqualTo(0x16B374D848L);
        assertThat(WalLsn.format(0x16B374D848L)).isEqualTo("16/B374D848");
        assertThatThrownBy(() -> WalLsn.parse("16B374D848")).isInstanceOf(BadInputException.class).hasMessageContaining("X/Y in hex");
        assertThatThrownBy(() -> RecoveryTarget.of(null, "5", "0/1")).hasMessageContaining("--until-xid, --until-lsn");
        assertThat(RecoveryTarget.of(null, null, "0/10")).isEqualTo(new RecoveryTarget.Lsn(16));
    }
}
