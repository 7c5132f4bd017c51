package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.DeadLetterRedrive;
import dev.strata.restore.kafka.ParkedReferences;
import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.restore.kafka.RedriveResult;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dlq redrive --reason R}: re-inject parked records once their cause is fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Work with the dead-letter topic.", subcommands = DeadLettersCommand.Redrive.class)
public final class DeadLettersCommand {
    @ParentCommand
    RestoreTool tool;

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Re-inject parked records of one reason into the topic they came from.")
    static final class Redrive implements Callable<Integer> {
        private static final int SHOWN = 20;
        private static final Set<DeadLetterReason> CAPTURE_REASONS = EnumSet.of(
                DeadLetterReason.NO_TENANT, DeadLetterReason.BAD_TENANT_ID, DeadLetterReason.UNREPRESENTABLE_VALUE);
        @ParentCommand
        DeadLettersCommand dlq;
        @Spec
        CommandSpec spec;
        @Option(names = "--reason", required = true, description = "UNPLACED, UNKNOWN_REGIME, DECODE_ERROR, ...")
        String reason;

        @Override
        public Integer call() throws InterruptedException {
            DeadLetterReason parsed = parse(reason);
            if (CAPTURE_REASONS.contains(parsed)) {
                // capture parks the Debezium record itself (JSON): it is not a ChangeEvent the router could take back
                throw new BadInputException("records parked as " + parsed + " hold capture's source record, not a change event,"
                        + " so they cannot be re-injected: fix the cause in the source or capture.properties"
                        + " (see the strata.dlq.detail header) and re-snapshot the affected table");
            }
            ToolConfig config = dlq.tool.config();
            PrintWriter out = spec.commandLine().getOut();
            if (parsed == DeadLetterReason.VALUE_TOO_LARGE) {
                return refuseByReference(config, out);
            }
            Map<String, String> placements = new PlacementDirectory(config.kafka()).all();
            RedriveResult result = new DeadLetterRedrive(config.kafka(), config.regimes(), config.sizeLimits()).redrive(parsed, placements);
            out.printf("%s: %d parked record(s) examined, %d re-injected, %d still unplaced and parked again%n",
                    parsed, result.examined(), result.reinjected(), result.parkedAgain());
            if (result.byReference() > 0) {
                out.printf("%d of them hold a reference, not the value: not re-injected (see 'dlq redrive --reason %s')%n",
                        result.byReference(), DeadLetterReason.VALUE_TOO_LARGE);
            }
            if (result.parkedAgain() > 0) {
                out.println("place the remaining tenants with 'restore-tool tenants put <tenant> <regime>' and run this again");
            }
            return ExitCodes.OK;
        }

        /** Lists what is parked by reference, then refuses: the value is not in Kafka, only which row it was. */
        private static Integer refuseByReference(ToolConfig config, PrintWriter out) {
            List<ParkedReferences.Reference> parked = new ParkedReferences(config.kafka(), config.sizeLimits()).all();
            parked.stream().limit(SHOWN).forEach(reference -> out.println("  " + reference));
            if (parked.size() > SHOWN) {
                out.printf("  ... and %d more%n", parked.size() - SHOWN);
            }
            out.flush();
            throw new BadInputException(parked.size() + " change(s) parked as " + DeadLetterReason.VALUE_TOO_LARGE + " hold a"
                    + " reference, not the value, so they cannot be re-injected: raise " + KafkaSizeLimits.MAX_EVENT_BYTES
                    + " in capture, the router, the sinks and here (and the topics' max.message.bytes), then write those rows"
                    + " again at the source (an UPDATE captures the row whole)");
        }

        private static DeadLetterReason parse(String reason) {
            try {
                return DeadLetterReason.valueOf(reason.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("unknown dead-letter reason '" + reason + "': use one of "
                        + Arrays.toString(DeadLetterReason.values()) + " (see the " + Topics.DEAD_LETTERS + " headers)");
            }
        }
    }
}
