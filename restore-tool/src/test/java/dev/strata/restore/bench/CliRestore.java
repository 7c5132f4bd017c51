package dev.strata.restore.bench;

import dev.strata.local.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One restore of the benchmark tenant to its latest point with the CLI, end to end, into a new
 * database of the local Postgres, timed from the command's start to its exit.
 *
 * @param cpuSeconds the CPU time the tool's JVM spent meanwhile ({@link ToolRun}): its own work, whatever else loads the machine
 * @param phases where the time went, as the replay's summary prints it
 * @param checksum the restored table's {@code md5(string_agg(t::text, '' ORDER BY id))}
 * @param segmentBytes the bytes of the log segments the restore read, as its summary prints them
 */
record CliRestore(double seconds, double cpuSeconds, String phases, String checksum, long segmentBytes) {
    private static final Pattern PHASES = Pattern.compile("^restored tenant .* in [0-9.]+ s \\((.*)\\)$", Pattern.MULTILINE);
    private static final Pattern OBJECTS = Pattern.compile("^  objects: [0-9,]+ segments, ([0-9,]+) bytes", Pattern.MULTILINE);

    static CliRestore run(LocalPostgres pg, Path config, String database) throws Exception {
        pg.createDatabase(database);
        ToolRun run = ToolRun.of("--config", config.toString(), "replay", "--tenant", BenchRows.TENANT,
            "--until", "latest", "--to", pg.jdbcUrl(database), "--progress", "plain", "--user", pg.user());
        System.out.print(run.out());
        if (run.code() != 0) {
            throw new IllegalStateException("the restore into " + database + " failed with exit code " + run.code());
        }
        Matcher phases = PHASES.matcher(run.out());
        Matcher objects = OBJECTS.matcher(run.out());
        return new CliRestore(run.seconds(), run.cpuSeconds(), phases.find() ? phases.group(1) : "phases not printed", checksum(pg, database),
                objects.find() ? Long.parseLong(objects.group(1).replace(",", "")) : -1);
    }

    /** Each named table's checksum must equal the plain COPY's, or the bench stops: a fast wrong answer is no answer. */
    static void requireEqual(String copied, Map<String, String> checksums) {
        checksums.forEach((name, checksum) -> {
            if (!checksum.equals(copied)) {
                throw new IllegalStateException(name + " differs from the copied table: md5 " + checksum + " vs " + copied);
            }
        });
    }

    /** The same checksum the restore tests compare with: equal strings, equal tables. */
    static String checksum(LocalPostgres pg, String database) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM public.items t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
