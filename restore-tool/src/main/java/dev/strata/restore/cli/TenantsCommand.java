package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tenants put T REGIME [--allow-move]}, {@code tenants list} (the placement directory), {@code tenants erase} and {@code move}. */
@Command(name = "tenants", mixinStandardHelpOptions = true, description = "Place tenants in privacy regimes, move one with its history, or"
        + " erase one.",
        subcommands = {TenantsCommand.Put.class, TenantsCommand.List.class, EraseTenantCommand.class, MoveTenantCommand.class})
public final class TenantsCommand {
    private static final Logger LOG = LoggerFactory.getLogger(TenantsCommand.class);

    @ParentCommand
    RestoreTool tool;

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Place a tenant in a regime, then redrive its records parked as UNPLACED before the placement."
                    + " Moving a placed tenant needs --allow-move.")
    static final class Put implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        TenantsCommand tenants;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", description = "tenant id")
        String tenant;
        @Parameters(index = "1", description = "regime, one of strata.regimes")
        String regime;
        @Option(names = "--allow-move", description = "allow moving a tenant that is placed in another regime")
        boolean allowMove;

        @Override
        public Integer call() throws InterruptedException {
            ToolConfig config = tenants.tool.config();
            requireTenant(tenant);
            Set<String> regimes = config.regimes();
            if (!regimes.contains(regime)) {
                throw new BadInputException("regime '" + regime + "' is not one of this deployment's regimes " + regimes
                        + " (" + ToolConfig.REGIMES + "): place tenant " + tenant + " in one of them");
            }
            PlacementDirectory directory = new PlacementDirectory(config.kafka());
            Optional<PlacementValue> current = directory.placementOf(tenant);
            PrintWriter out = spec.commandLine().getOut();
            if (current.isPresent() && current.get().moving()) {
                throw new BadInputException("tenant " + tenant + " is being moved: " + current.get().describe() + "; finish the move with"
                        + " 'restore-tool tenants move " + tenant + " --to " + current.get().regime() + " --with-history --confirm " + tenant
                        + "' (it continues where it stopped)");
            }
            Optional<String> placedIn = current.map(PlacementValue::regime);
            if (placedIn.isPresent() && placedIn.get().equals(regime)) {
                out.println("tenant " + tenant + " is already placed in " + regime);
            } else if (placedIn.isPresent() && !allowMove) {
                throw new BadInputException("tenant " + tenant + " is placed in " + placedIn.get()
                        + ": moving it to " + regime + " changes where its data lives; to move it with its history use 'restore-tool"
                        + " tenants move " + tenant + " --to " + regime + " --with-history --confirm " + tenant + "'; to send only its"
                        + " new changes there, leaving its history where it is, repeat with --allow-move");
            } else {
                directory.put(tenant, PlacementValue.placed(regime));
                if (placedIn.isPresent()) {
                    // A residency change is a deliberate act: it is logged where operators audit.
                    LOG.warn("RESIDENCY CHANGE: tenant {} moved from regime {} to regime {} (without its history)", tenant, placedIn.get(),
                            regime);
                    out.println("moved tenant " + tenant + " from " + placedIn.get() + " to " + regime + " (its history stays in "
                            + placedIn.get() + ")");
                } else {
                    out.println("placed tenant " + tenant + " in " + regime + " (" + Topics.TENANTS + ")");
                }
            }
            // also when it was placed already: a put that stopped before its redrive is completed by the next one
            new PlacementRedrive(config, out, DeadLetterReason.UNPLACED, "restore-tool tenants put " + tenant + " " + regime)
                    .redriveParkedOf(TenantId.of(tenant));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants and their regimes.")
    static final class List implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        TenantsCommand tenants;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, String> all = new PlacementDirectory(tenants.tool.config().kafka()).all();
            PrintWriter out = spec.commandLine().getOut();
            if (all.isEmpty()) {
                out.println("no tenant is placed yet: use 'restore-tool tenants put <tenant> <regime>'");
            }
            all.forEach((tenant, placed) -> out.printf("%-40s %s%n", tenant, PlacementValue.parse(placed).describe()));
            return ExitCodes.OK;
        }
    }

    static void requireTenant(String tenant) {
        try {
            TenantId.of(tenant);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
