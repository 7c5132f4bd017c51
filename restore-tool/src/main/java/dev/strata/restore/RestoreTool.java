package dev.strata.restore;

import dev.strata.restore.cli.DeadLettersCommand;
import dev.strata.restore.cli.DrillCommand;
import dev.strata.restore.cli.ListCommand;
import dev.strata.restore.cli.ReplayCommand;
import dev.strata.restore.cli.StatusCommand;
import dev.strata.restore.cli.TenantsCommand;
import dev.strata.restore.cli.VerifyCommand;
import dev.strata.schemas.kafka.MissingTopicException;
import dev.strata.schemas.store.StoreAccessDeniedException;
import dev.strata.schemas.store.StoreUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The operator's CLI. Exit codes: 0 ok, 1 failed, 2 bad input, 3 verification failure. */
@Command(name = "restore-tool", mixinStandardHelpOptions = true,
        description = "Strata's operator tool: placements, dead letters, restore.",
        subcommands = {TenantsCommand.class, DeadLettersCommand.class, ListCommand.class, ReplayCommand.class,
            VerifyCommand.class, StatusCommand.class, DrillCommand.class})
public final class RestoreTool {

    @Option(names = "--config", description = "the tool's properties file (default: ${DEFAULT-VALUE})",
            defaultValue = "restore.properties", scope = CommandLine.ScopeType.INHERIT)
    Path config;

    public final Clock clock;

    RestoreTool(Clock clock) {
        this.clock = clock;
    }

    public ToolConfig config() {
        return ToolConfig.load(config);
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Clock.systemUTC());
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
        CommandLine line = new CommandLine(new RestoreTool(clock));
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            out.flush();
            if (e instanceof BadInputException || e instanceof MissingTopicException) {
                err.println("error: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            if (e instanceof VerificationFailedException) {
                err.println("verification failed: " + e.getMessage());
                return ExitCodes.VERIFICATION_FAILED;
            }
            if (e instanceof StoreUnavailableException || e instanceof StoreAccessDeniedException) {
                // a store that cannot be reached or refuses the key is a configuration to fix
                err.println("error: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            err.println("failed: " + e.getMessage());
            return ExitCodes.FAILED;
        });
        return line.execute(args);
    }
}
