package dev.strata.production;

import java.util.List;

/**
 * The drill metrics contract: the names {@code restore-tool drill} (scheduled mode, port 9408)
 * and capture's checkpoint writer agreed to export, fixed before their code is on this branch.
 * The rules and the dashboard may name these; once the drill's code is here, DemoIT scrapes them
 * like every other service's and this list goes.
 */
final class DrillMetricsContract {
    static final List<String> NAMES = List.of(
            "strata_drill_runs_total", // {tenant, result = pass | fail | error}
            "strata_drill_last_success_timestamp_seconds", // {tenant}
            "strata_drill_last_rto_seconds", // {tenant}
            "strata_drill_checkpoint_age_seconds", // {tenant}
            "strata_drill_mismatched_tables", // {tenant}
            "strata_capture_checkpoints_total"); // capture: CHECKPOINT events written

    private DrillMetricsContract() {
    }
}
