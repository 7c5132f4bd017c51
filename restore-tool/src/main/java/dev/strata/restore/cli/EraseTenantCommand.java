package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.erase.TenantErasure;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.layout.BackupLayout;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tenants erase T --confirm T}: crypto-shredding of one tenant's backup, with the key-admin credential. */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Erase a tenant: record a write-once tombstone in both regions, then destroy its data keys in both key stores."
                + " Nothing of its backup can be restored afterwards, at any point; the sinks park its new changes (ERASED).")
final class EraseTenantCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EraseTenantCommand.class);

    @ParentCommand
    TenantsCommand tenants;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", description = "tenant id")
    String tenant;
    @Option(names = "--confirm", description = "the tenant id again: erasure cannot be undone")
    String confirm;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;
    @Option(names = "--reason", description = "why (kept in the tombstone, e.g. 'contract ended, ticket 4711')", defaultValue = "not given")
    String reason;
    @Option(names = "--by", description = "who asks (default: the OS user running this)")
    String by;

    @Override
    public Integer call() {
        TenantId id = StoreAccess.tenantId(tenant);
        if (confirm == null || !confirm.equals(tenant)) {
            throw new BadInputException("erasing tenant " + tenant + " destroys its data keys: nothing of its backup can ever be restored"
                    + " again, at any point. If that is intended, repeat with --confirm " + tenant);
        }
        ToolConfig config = tenants.tool.config();
        PrintWriter out = spec.commandLine().getOut();
        String regimeName;
        try (RegimeStores stores = new StoreAccess(config).locateEvenErased(tenant, regime)) {
            regimeName = stores.regime();
        }
        String requester = by != null && !by.isBlank() ? by.trim() : System.getProperty("user.name", "unknown");
        TenantTombstone requested = new TenantTombstone(id, regimeName,
                RestoreTime.format(RestoreTime.micros(tenants.tool.clock.instant())), requester, reason.trim());
        try (KeyAdminAccess keyAdmin = new KeyAdminAccess(config, regimeName)) {
            TenantErasure erasure = keyAdmin.erasure();
            TenantErasure.Outcome outcome = erasure.erase(requested);
            LOG.warn("ERASURE: tenant {} of regime {} erased by {}: {} data keys destroyed", id, regimeName, outcome.tombstone().erasedBy(),
                    outcome.keysDestroyed());
            print(out, outcome, regimeName);
            List<TenantErasure.Destroyed> left = erasure.remainingKeys(id).stream().filter(d -> !d.keys().isEmpty()).toList();
            if (!left.isEmpty()) {
                // a sink created a key between our listing and our delete: run again until none is left
                throw new IllegalStateException("tenant " + id + " still has data keys after the erasure: " + left
                        + "; a sink created one while it ran. Run the same command again");
            }
        }
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, TenantErasure.Outcome outcome, String regimeName) {
        TenantTombstone tombstone = outcome.tombstone();
        out.println((outcome.tombstoneWritten() ? "tombstone written to both regions of regime " : "tombstone already present in regime ")
                + regimeName + ": " + BackupLayout.tombstone(tombstone.tenant()) + " (" + tombstone.sentence() + ")");
        for (TenantErasure.Destroyed destroyed : outcome.destroyed()) {
            out.println("destroyed " + destroyed.keys().size() + " data key(s) of tenant " + tombstone.tenant() + " in " + destroyed.store());
        }
        out.println("tenant " + tombstone.tenant() + " is erased: its backup objects stay locked as written and can no longer be opened;"
                + " restore, verify, drill, history and rollback refuse it (exit " + ExitCodes.ERASED + "), and the sinks park its new"
                + " changes as ERASED. Not reached: its records still in Kafka topics until their retention (README: \"Erasing a tenant\")");
    }
}
