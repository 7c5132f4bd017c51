package dev.strata.restore;

import dev.strata.restore.cli.DeadLettersCommand;
import dev.strata.restore.cli.DrillCommand;
import dev.strata.restore.cli.ErasuresCommand;
import dev.strata.restore.cli.ExpireCommand;
import dev.strata.restore.cli.HistoryCommand;
import dev.strata.restore.cli.ListCommand;
import dev.strata.restore.cli.ReplayCommand;
import dev.strata.restore.cli.RollbackCommand;
import dev.strata.restore.cli.StatusCommand;
import dev.strata.restore.cli.TenantsCommand;
import dev.strata.restore.cli.VerifyCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator's CLI. Exit codes ({@link ExitCodes}): 0 ok, 1 failed, 2 bad input, 3 verification failure, 4 unavailable,
 * 5 tenant erased.
 */
@Command(name = "restore-tool", mixinStandardHelpOptions = true,
        description = "Strata's operator tool: placements, dead letters, restore.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":ok",
            ExitCodes.FAILED + ":failed: any other error; the message says what happened",
            ExitCodes.BAD_INPUT + ":bad input: fix the command line, the config or a refused key; the message names the fix",
            ExitCodes.VERIFICATION_FAILED + ":verification failed: the backup does not hold what was written,"
                + " or a drill's checksums differ",
            ExitCodes.UNAVAILABLE + ":unavailable: a store, Kafka or the target database did not answer (or is starting up);"
                + " retry later",
            ExitCodes.ERASED + ":erased: the tenant was erased (tenants erase); nothing of it can be restored, by design"})
public final class RestoreTool {
    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(TenantsCommand.class, DeadLettersCommand.class, ListCommand.class,
            ReplayCommand.class, VerifyCommand.class, StatusCommand.class, DrillCommand.class, HistoryCommand.class,
            RollbackCommand.class, ExpireCommand.class, ErasuresCommand.class);
    private static final String CONFIG_OPTION = "--config";

    @Option(names = CONFIG_OPTION, description = "the tool's properties file (default: ${DEFAULT-VALUE})",
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
        CommandLine line = commandLine(clock, args);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            out.flush();
            int code = ExitCodes.of(e);
            err.println(switch (code) {
                case ExitCodes.BAD_INPUT -> "error: ";
                case ExitCodes.VERIFICATION_FAILED -> "verification failed: ";
                case ExitCodes.UNAVAILABLE -> "unavailable, retry later: ";
                case ExitCodes.ERASED -> "erased: ";
                default -> "failed: ";
            } + e.getMessage());
            return code;
        });
        return line.execute(args);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name, when nothing but {@value #CONFIG_OPTION}
     * comes before it; otherwise (none, help or any other option first, an unknown name, an argument file) with every
     * one, so that picocli's usage and suggestions list them all. Picocli reads the annotations of every command it is
     * given, nested ones too: 0.1 s of a cold {@code rollback --help} (0.39 s instead of 0.50 s) for the ten not run.
     */
    static CommandLine commandLine(Clock clock, String[] args) {
        CommandLine line = new CommandLine(new RestoreTool(clock));
        Optional<String> named = subcommandNamed(args);
        for (Class<?> command : SUBCOMMANDS) {
            if (named.isEmpty() || named.get().equals(command.getAnnotation(Command.class).name())) {
                line.addSubcommand(command);
            }
        }
        if (line.getSubcommands().isEmpty()) { // a word that names no subcommand: picocli's own error, with the list
            SUBCOMMANDS.forEach(line::addSubcommand);
        }
        return line;
    }

    /** The first word, after nothing but {@value #CONFIG_OPTION} and its value; none when anything else comes first. */
    private static Optional<String> subcommandNamed(String[] args) {
        int i = 0;
        while (i < args.length && (args[i].equals(CONFIG_OPTION) || args[i].startsWith(CONFIG_OPTION + "="))) {
            i += args[i].equals(CONFIG_OPTION) ? 2 : 1;
        }
        // picocli expands an argument file (@file) wherever it stands: what the line holds is not known here
        boolean argumentFile = Arrays.stream(args).anyMatch(a -> a.startsWith("@"));
        if (i >= args.length || args[i].startsWith("-") || argumentFile) {
            return Optional.empty();
        }
        return Optional.of(args[i]);
    }
}
