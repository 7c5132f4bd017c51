package dev.strata.restore.cli;

import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.verify.Verifier;
import dev.strata.restore.verify.VerifyReport;
import java.util.Map;
import java.util.Optional;
import dev.strata.restore.expire.Expiry;
import dev.strata.restore.expire.ExpiryPlan;
import dev.strata.restore.expire.ExpiryPlanner;
import dev.strata.schemas.TenantId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code verify --tenant T}: the tenant's whole backup in both regions; exit 3 on any finding. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a tenant's backup: checksums, manifest chain, both regions, overwrites.")
public final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", required = true, description = "tenant id")
    String tenant;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;

    @Override
    public Integer call() {
        ToolConfig config = tool.config();
        try (RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
            TenantId id = StoreAccess.tenantId(tenant);
            // what the retention policy lets expiry remove is not a loss: the plan tells verify what kept points need
            ExpiryPlan retained = new Expiry(stores, Map.of(), config.retention(), new ExpiryPlanner(config.maxSegmentSpan()), tool.clock)
                    .plan(id);
            VerifyReport report = new Verifier(stores, config.readers(), retained.needs()).verify(id);
            report.print(spec.commandLine().getOut());
            DeadLetterNotice.print(spec.commandLine().getOut(), config, StoreAccess.tenantId(tenant), Long.MAX_VALUE);
            verifyLedger(stores, id);
            if (!report.ok()) {
                throw new VerificationFailedException(report.failures().get(0)
                        + (report.failures().size() > 1 ? " (and " + (report.failures().size() - 1) + " more, listed above)" : ""));
            }
        }
        return ExitCodes.OK;
    }

    /** Every restore refuses a ledger it cannot read whole; verify finds that first (exit 3, naming the entry). */
    private void verifyLedger(RegimeStores stores, TenantId id) {
        int entries = ErasureLedger.read(stores, id, note -> spec.commandLine().getOut().println("note: " + note)).size();
        spec.commandLine().getOut().println("erasure ledger: " + entries + " entr" + (entries == 1 ? "y" : "ies")
                + " in both regions, checksums match");
    }
}
