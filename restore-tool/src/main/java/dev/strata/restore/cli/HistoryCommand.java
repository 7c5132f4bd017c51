package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.history.HistoryQuery;
import dev.strata.restore.history.RowHistory;
import dev.strata.restore.history.RowVersion;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.Op;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code history --tenant T --table S.TABLE --key COL=VALUE}: the versions of one row in the log, to find the second to restore to. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List every version of one row (or every change of one kind) of a tenant's table in the log, newest first.")
public final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", required = true, description = "tenant id")
    String tenant;
    @Option(names = "--table", required = true, description = "schema.table")
    String table;
    @Option(names = "--key", description = "the row: COL=VALUE[,COL=VALUE], values as psql prints them (some or all key columns)")
    String key;
    @Option(names = "--op", description = "only changes of this kind: create, update, delete, read or truncate")
    String op;
    @Option(names = "--since", description = "from this time, ISO-8601 with zone (default: the first change)")
    String since;
    @Option(names = "--until", defaultValue = RestoreTime.LATEST, description = "up to this time, or 'latest' (default: ${DEFAULT-VALUE})")
    String until;
    @Option(names = "--limit", defaultValue = "50", description = "at most this many versions, the newest (default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--json", description = "one JSON object per version, one per line")
    boolean json;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;

    @Override
    public Integer call() {
        TenantId id = StoreAccess.tenantId(tenant);
        HistoryQuery query = new HistoryQuery(table, HistoryQuery.parseKey(key), op(), since == null ? Long.MIN_VALUE : RestoreTime.parse(since),
                RestoreTime.LATEST.equalsIgnoreCase(until.trim()) ? Long.MAX_VALUE : RestoreTime.parse(until), limit);
        ToolConfig config = tool.config();
        PrintWriter out = spec.commandLine().getOut();
        try (RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
            RowHistory.Found found = new RowHistory(stores, config.readers()).read(id, query);
            if (json) {
                found.versions().forEach(v -> out.println(HistoryJson.line(v)));
            } else {
                printPlain(out, id, query, found);
            }
            found.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
        }
        return ExitCodes.OK;
    }

    private Optional<Op> op() {
        if (op == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Op.valueOf(op.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown --op '" + op + "': use create, update, delete, read or truncate");
        }
    }

    private static void printPlain(PrintWriter out, TenantId tenant, HistoryQuery query, RowHistory.Found found) {
        String what = query.key().isEmpty() ? "" : " " + pairs(query.key());
        String kind = query.op().map(o -> " " + o.name().toLowerCase(Locale.ROOT) + "s").orElse("");
        out.printf(Locale.ROOT, "history of tenant %s, %s%s%s: %d version(s) in %d segment(s), newest first (commit times, UTC)%n",
                tenant, query.table(), what, kind, found.matched(), found.segmentsRead());
        for (RowVersion v : found.versions()) {
            out.printf(Locale.ROOT, "%s  %-8s tx %d  %s%n", RestoreTime.format(v.commitMicros()), v.op(), v.txId(), pairs(v.key()));
            v.changed().ifPresentOrElse(
                    changed -> {
                        if (!changed.isEmpty()) {
                            out.println("    set: " + pairs(changed));
                        }
                    },
                    () -> out.println("    set: " + pairs(v.row()) + " (the version before is not among those read: all columns shown)"));
            if (v.op() == Op.DELETE && !v.row().isEmpty()) {
                out.println("    was: " + pairs(v.row()));
            }
            out.println("    just before it: --until " + RestoreTime.format(v.justBeforeMicros()));
        }
        if (found.matched() > found.versions().size()) {
            out.printf(Locale.ROOT, "... and %d older version(s): raise --limit or narrow --since/--until%n", found.matched() - found.versions().size());
        }
    }

    private static String pairs(Map<String, String> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() == null ? "NULL" : e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
