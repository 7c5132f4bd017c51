package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.restore.move.TenantMove;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import java.io.PrintWriter;
import java.time.Duration;
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

/** {@code tenants move T --to R --with-history --confirm T}: a residency change that takes the tenant's history along. */
@Command(name = "move", mixinStandardHelpOptions = true,
        description = "Move a tenant to another regime with its history: park its changes, copy its log into the new regime"
                + " (stored and sealed there by that regime's sinks), check the copy, erase it in the old regime, place it in the"
                + " new one and redrive what was parked. Run it again to continue a move that stopped.")
final class MoveTenantCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(MoveTenantCommand.class);

    @ParentCommand
    TenantsCommand tenants;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", description = "tenant id")
    String tenant;
    @Option(names = "--to", required = true, description = "the regime it goes to, one of strata.regimes")
    String to;
    @Option(names = "--with-history", description = "copy its history into the new regime and erase it in the old (required: a move"
            + " of its new changes alone is 'tenants put --allow-move')")
    boolean withHistory;
    @Option(names = "--confirm", description = "the tenant id again: the old regime's copy is erased at the end")
    String confirm;
    @Option(names = "--reason", description = "why (kept in the old regime's tombstone)", defaultValue = "moved to another regime")
    String reason;
    @Option(names = "--by", description = "who asks (default: the OS user running this)")
    String by;
    @Option(names = "--wait", description = "how long each wait may take: the router's proof, each regime's sinks (default: ${DEFAULT-VALUE})",
            defaultValue = "PT30M")
    Duration waitLimit;

    @Override
    public Integer call() throws InterruptedException {
        TenantId id = StoreAccess.tenantId(tenant);
        ToolConfig config = tenants.tool.config();
        if (!config.regimes().contains(to) || !config.storeRegimes().contains(to)) {
            throw new BadInputException("regime '" + to + "' is not one of this deployment's regimes " + config.regimes()
                    + " with stores configured " + config.storeRegimes() + ": move tenant " + tenant + " to one of those");
        }
        if (!withHistory) {
            throw new BadInputException("a move takes the tenant's history along only with --with-history (its log is copied into " + to
                    + " and erased where it is now); to send only its new changes to " + to + ", leaving its history where it is, use"
                    + " 'restore-tool tenants put " + tenant + " " + to + " --allow-move'");
        }
        if (confirm == null || !confirm.equals(tenant)) {
            throw new BadInputException("moving tenant " + tenant + " erases its backup in the regime it leaves once the copy in " + to
                    + " is checked. If that is intended, repeat with --confirm " + tenant);
        }
        PrintWriter out = spec.commandLine().getOut();
        PlacementDirectory directory = new PlacementDirectory(config.kafka());
        String rerun = "restore-tool tenants move " + tenant + " --to " + to + " --with-history --confirm " + tenant;
        PlacementRedrive redrive = new PlacementRedrive(config, out, DeadLetterReason.MOVING, rerun);
        PlacementValue placement = directory.placementOf(tenant).orElseThrow(() -> new BadInputException("tenant " + tenant
                + " is not placed in any regime: there is nothing to move; place it with 'restore-tool tenants put " + tenant + " " + to + "'"));
        if (placement.moving() && !placement.regime().equals(to)) {
            throw new BadInputException("tenant " + tenant + " is being moved to " + placement.regime() + " already: finish that move with"
                    + " 'restore-tool tenants move " + tenant + " --to " + placement.regime() + " --with-history --confirm " + tenant + "'");
        }
        if (!placement.moving() && placement.regime().equals(to)) {
            out.println("tenant " + tenant + " is placed in " + to + " already");
            redrive.redriveParkedOf(id); // a move that stopped after placing it: its parked changes may still wait
            return ExitCodes.OK;
        }
        String from = placement.movingFrom().orElse(placement.regime());
        if (!config.storeRegimes().contains(from)) {
            throw new BadInputException("tenant " + tenant + " is placed in regime " + from + ", whose stores this config does not name:"
                    + " set strata.regime." + from + ".* (the reader's and the key-admin user's keys) to move it");
        }
        String requester = by != null && !by.isBlank() ? by.trim() : System.getProperty("user.name", "unknown");
        TenantTombstone tombstone = new TenantTombstone(id, from, RestoreTime.format(RestoreTime.micros(tenants.tool.clock.instant())),
                requester, reason.trim(), Optional.of(to));
        LOG.warn("RESIDENCY CHANGE: tenant {} moving from regime {} to regime {} with its history, asked by {}", id, from, to, requester);
        StoreAccess access = new StoreAccess(config);
        // the key-admin keys are read now: a missing file fails the move before it parks anything
        try (RegimeStores source = access.open(from); RegimeStores target = access.open(to);
             KeyAdminAccess keyAdmin = new KeyAdminAccess(config, from)) {
            new TenantMove(new TenantMove.Parts(config.kafka(), config.sizeLimits(), directory, source, target,
                    () -> ErasuresCommand.writer(config, to), keyAdmin.erasure(), () -> redrive.redriveParkedOf(id), waitLimit, out))
                    .move(id, tombstone);
        }
        return ExitCodes.OK;
    }
}
