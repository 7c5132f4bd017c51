package dev.strata.restore.testing;

import dev.strata.restore.RestoreTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** One run of the restore-tool CLI as an operator types it, with what it printed and its exit code. */
public record ToolRun(int code, String out, String err) {

    /** {@code restore-tool --config <config> <args...>} */
    public static ToolRun run(Path config, String... args) {
        return run(Clock.systemUTC(), config, args);
    }

    /** As {@link #run(Path, String...)}, with the tool's clock at {@code clock}. */
    public static ToolRun run(Clock clock, Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RestoreTool.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), clock);
        return new ToolRun(code, out.toString(), err.toString());
    }
}
