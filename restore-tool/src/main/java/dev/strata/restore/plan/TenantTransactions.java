package dev.strata.restore.plan;

import java.util.List;

/**
 * The tenant's transactions in its backup up to its durable point, and how far in the WAL that
 * backup is complete for the tenant.
 *
 * @param provenLsn every transaction of the tenant whose commit record starts before this LSN is in
 *     the backup: the greatest commit LSN among the backed-up records' (their own, or the one before
 *     each, heartbeats included). Null when no record carries commit order (captured before v4).
 */
public record TenantTransactions(List<CommittedTransaction> transactions, Long provenLsn) {
}
