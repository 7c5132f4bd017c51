package dev.strata.restore.bench;

import dev.strata.restore.RestoreTool;
import java.io.File;
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
    private static final Pattern CHILD_TIMES = Pattern.compile("^(\\d+)m([0-9.,]+)s (\\d+)m([0-9.,]+)s$");

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
        long cpuStart = processCpuNanos();
        int code = RestoreTool.run(args, new PrintWriter(out, true), new PrintWriter(System.err, true));
        return new ToolRun(code, out.toString(), (System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9);
    }

    /** This JVM's CPU time so far, all threads. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The JVM's CPU comes from bash's {@code times} (its children's user and system time, the second line), written to a
     * file of its own after the tool exits; the tool's standard error (its progress) goes on to this one's as it comes.
     */
    private static ToolRun inProcess(String[] args) throws IOException, InterruptedException {
        Path options = Path.of("restore-tool", "jvm.options").toAbsolutePath();
        if (!Files.isRegularFile(options)) {
            throw new IllegalStateException("no " + options + ": run the bench from the repository's root (bench/ scripts do)");
        }
        Path times = Files.createTempFile("strata-bench-tool", ".times");
        List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$@\"; code=$?; times > \"$TIMES_FILE\"; exit $code", "tool",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "@" + options,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        String extra = System.getenv().getOrDefault(JVM_OPTIONS_VARIABLE, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RestoreTool.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("TIMES_FILE", times.toString());
        Process process = null;
        try {
            long start = System.nanoTime();
            process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> lines = Files.readAllLines(times);
            Matcher child = CHILD_TIMES.matcher(lines.size() == 2 ? lines.get(1) : "");
            if (!child.find()) {
                throw new IllegalStateException("no CPU times of the tool's JVM in " + times + ": " + lines);
            }
            return new ToolRun(code, out, seconds, seconds(child.group(1), child.group(2)) + seconds(child.group(3), child.group(4)));
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(times);
        }
    }

    /** bash prints the seconds with the locale's decimal point. */
    private static double seconds(String minutes, String seconds) {
        return Integer.parseInt(minutes) * 60 + Double.parseDouble(seconds.replace(',', '.'));
    }
}
