package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the tool, however deep, answers {@code --help} with its usage, exit 0 and a silent stderr. */
class HelpTest {

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitZero() {
        List<List<String>> paths = new ArrayList<>();
        collect(RestoreTool.commandLine(Clock.systemUTC(), new String[0]), new ArrayList<>(), paths);
        assertThat(paths).as("the walk reaches nested subcommands").contains(List.of("tenants", "put"), List.of("list", "points"),
                List.of("dlq", "redrive"), List.of("replay"), List.of("drill"), List.of("status"));

        SoftAssertions soft = new SoftAssertions();
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run run = run(args.toArray(String[]::new));
            String name = String.join(" ", args);
            soft.assertThat(run.code()).as(name + ": exit code (stderr: %s)", run.err()).isZero();
            String usage = "Usage: restore-tool" + (path.isEmpty() ? "" : " " + String.join(" ", path));
            soft.assertThat(run.out()).as(name + ": usage").startsWith(usage);
            soft.assertThat(run.err()).as(name + ": stderr, picocli's warnings included").isEmpty();
        }
        soft.assertAll();
    }

    @Test
    void theRootHelpListsTheExitCodesAScriptActsOn() {
        Run run = run("--help");

        assertThat(run.out()).contains("Exit codes:")
                .containsPattern("\\b0 +ok")
                .containsPattern("\\b1 +failed")
                .containsPattern("\\b2 +bad input")
                .containsPattern("\\b3 +verification failed")
                .containsPattern("\\b4 +unavailable");
    }

    @Test
    void theSubcommandIsTheFirstWordAfterTheToolsOwnOptionsNotTheConfigsValue() {
        Run run = run("--config", "replay", "list", "--help");

        assertThat(run.code()).as("stderr: %s", run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: restore-tool list");
    }

    @Test
    void helpBeforeASubcommandListsEveryCommand() {
        Run run = run("--help", "replay");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("Usage: restore-tool").contains("  replay ").contains("  rollback ").contains("  drill ");
    }

    @Test
    void aMistypedSubcommandIsRefusedWithTheNearestNames() {
        Run run = run("--config", "tool.properties", "replya", "--tenant", "acme");

        assertThat(run.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).as("every subcommand is known to picocli then").contains("'replya'")
                .contains("Did you mean: restore-tool replay");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            // picocli lists a command once per alias; names are enough here (none has aliases)
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, into);
        });
    }

    record Run(int code, String out, String err) {
    }

    /** Picocli's own warnings (e.g. a bad format in a description) go to System.err, not to the command's writer: both are caught. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
        try {
            code = RestoreTool.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setErr(original);
        }
        return new Run(code, out.toString(), err + systemErr.toString(StandardCharsets.UTF_8));
    }
}
