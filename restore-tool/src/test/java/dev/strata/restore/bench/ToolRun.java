package dev.strata.restore.bench;

import dev.strata.restore.RestoreTool;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the restore tool's CLI, timed from its start to its exit: in this JVM (warm from what
 * the bench ran before), or in a JVM of its own as an operator runs it, with the tool's JVM options
 * (restore-tool/jvm.options) and this JVM's classpath.
 *
 * @param cpuSeconds the CPU time of the JVM that ran it meanwhile (all its threads)
 */
record ToolRun(int code, String out, double seconds, double cpuSeconds) {
    /** Set to {@code process} to run each timed command in a JVM of its own. */
    static final String MODE_VARIABLE = "STRATA_BENCH_TOOL";
    /** More JVM options for a command's own JVM, space-separated (a flight recording of it, say). */
    static final String JVM_OPTIONS_VARIABLE = "STRATA_BENCH_TOOL_JVM_OPTIONS";
    private static final Pattern CHILD_TIMES = Pattern.compile("^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$");

    static boolean inProcesses() {
        return "process".equals(System.getenv(MODE_VARIABLE));
    }

    static String mode() {
        return inProcesses() ? "each command in a JVM of its own" : "in the bench's JVM";
    }

    static ToolRun of(String... args) throws IOException, InterruptedException {
        return inProcesses() ? inProcess(args) : inThisJvm(args);
    }

    private static ToolRun inThisJvm(String[] args) {
        StringWriter out = new StringWriter();
        long start = System.nanoTime();
        long cpuStart = CliRestore.processCpuNanos();
        int code = RestoreTool.run(args, new PrintWriter(out, true), new PrintWriter(System.err, true));
        return new ToolRun(code, out.toString(), (System.nanoTime() - start) / 1e9, (CliRestore.processCpuNanos() - cpuStart) / 1e9);
    }

    /** The JVM's CPU comes from bash's {@code times} (its children's user and system time), printed after the tool exits. */
    private static ToolRun inProcess(String[] args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$@\"; code=$?; times >&2; exit $code", "tool",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "@restore-tool/jvm.options",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"), RestoreTool.class.getName()));
        String extra = System.getenv().getOrDefault(JVM_OPTIONS_VARIABLE, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(command.indexOf("-cp"), List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(args));
        Path err = Files.createTempFile("strata-bench-tool", ".err");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> errors = Files.readAllLines(err);
            Matcher times = CHILD_TIMES.matcher(errors.isEmpty() ? "" : errors.get(errors.size() - 1));
            if (errors.size() < 2 || !times.find()) {
                throw new IllegalStateException("no CPU times after the tool's run; its standard error:\n" + String.join("\n", errors));
            }
            errors.subList(0, errors.size() - 2).forEach(System.err::println); // the last two: the shell's times, then its child's
            double cpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                    + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
            return new ToolRun(code, out, seconds, cpu);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
