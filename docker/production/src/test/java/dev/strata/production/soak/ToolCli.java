package dev.strata.production.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** restore-tool as an operator runs it: {@code java -jar strata-restore-tool.jar --config restore.properties <command>}. */
final class ToolCli {
    /** What one run printed and how it ended. */
    record Run(List<String> command, int code, String output) {
        Run requireSuccess() {
            if (code != 0) {
                throw new IllegalStateException("restore-tool " + String.join(" ", command) + " failed with code " + code + ":\n" + output);
            }
            return this;
        }
    }

    private final Path jar;
    private final Path config;
    private final Path dir;

    ToolCli(Path jar, Properties properties, Path dir) {
        this.jar = jar;
        this.dir = dir;
        this.config = dir.resolve("restore.properties");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(config)) {
                properties.store(out, "soak: restore-tool (reader keys)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config + ": " + e.getMessage(), e);
        }
    }

    Run run(String... command) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> line = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-jar", jar.toString(), "--config", config.toString()));
        line.addAll(List.of(command));
        Path out = Files.createTempFile(dir, "tool-", ".out");
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("restore-tool " + String.join(" ", command) + " did not end within 5 minutes:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        Files.delete(out);
        return new Run(List.of(command), process.exitValue(), output);
    }
}
