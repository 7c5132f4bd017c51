package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.history.HistoryQuery;
import dev.strata.restore.ledger.ErasureEntry;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.ledger.LedgerWriter;
import dev.strata.restore.ledger.RowKeyScan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code erasures add} and {@code erasures list}: the per-tenant erasure ledger that every restore re-applies. */
@Command(name = "erasures", mixinStandardHelpOptions = true,
        description = "The erasure ledger: rows of one person that every replay, rollback, drill and history leaves out (or nulls).",
        subcommands = {ErasuresCommand.Add.class, ErasuresCommand.Listing.class, ErasuresCommand.Complete.class})
public final class ErasuresCommand {
    @ParentCommand
    RestoreTool tool;

    /** What every erasures subcommand takes: the tenant, and its regime when known. */
    abstract static class OfTenant implements Callable<Integer> {
        @ParentCommand
        ErasuresCommand erasures;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", required = true, description = "tenant id")
        String tenant;
        @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
        Optional<String> regime;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Record an erasure request (write-once, both regions, the ledger credential): from now on no restore brings"
                    + " the row back, at any point.")
    static final class Add extends OfTenant {
        @Option(names = "--table", required = true, description = "schema.table")
        String table;
        @Option(names = "--key", required = true, description = "the row: COL=VALUE[,COL=VALUE], key columns, values as psql prints them")
        String key;
        @Option(names = "--reason", required = true, description = "why (kept in the entry, e.g. a ticket number)")
        String reason;
        @Option(names = "--null", split = ",", description = "keep the row and restore these columns as NULL instead of leaving it out")
        List<String> nullColumns = new ArrayList<>();
        @Option(names = "--by", description = "who asks (default: the OS user running this)")
        String by;

        @Override
        public Integer call() {
            TenantId id = StoreAccess.tenantId(tenant);
            if (reason == null || reason.isBlank()) {
                throw new BadInputException("--reason is empty: say why the row is erased (e.g. --reason 'GDPR art. 17, ticket 4711');"
                        + " it is kept in the ledger entry");
            }
            Map<String, String> rowKey = HistoryQuery.parseKey(key);
            ToolConfig config = erasures.tool.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
                RowKeyScan scan = RowKeyScan.read(stores, id, table);
                requireKnown(id, scan, rowKey);
                String requester = by != null && !by.isBlank() ? by.trim() : System.getProperty("user.name", "unknown");
                long now = RestoreTime.micros(erasures.tool.clock.instant());
                ErasureEntry entry = new ErasureEntry(ErasureEntry.VERSION, tenant, table, rowKey, scan.aliases(rowKey),
                        nullColumns.stream().map(String::trim).toList(), reason.trim(), requester, RestoreTime.format(now));
                ObjectKey written;
                try (LedgerWriter writer = writer(config, stores.regime())) {
                    written = writer.append(id, now, entry);
                }
                out.println("erasure ledger entry " + written + " written to both regions of regime " + stores.regime() + ": " + table
                        + " " + pairs(rowKey) + ", " + entry.effect()
                        + (entry.aliases().isEmpty() ? "" : "; also under the key(s) it had: " + entry.aliases().stream()
                        .map(ErasuresCommand::pairs).collect(Collectors.joining("; "))));
                out.println("every replay, rollback, drill and history of tenant " + tenant + " applies it from now on, at every point;"
                        + " erase the row in the live database too");
            }
            return ExitCodes.OK;
        }

        private void requireKnown(TenantId id, RowKeyScan scan, Map<String, String> rowKey) {
            if (!scan.tables().contains(table)) {
                throw new BadInputException("tenant " + id + " has no table " + table + " in its log; its tables: " + scan.tables()
                        + " (give --table as schema.table)");
            }
            if (scan.keyColumns().isEmpty()) {
                throw new BadInputException("table " + table + " has no primary key in the backup: the ledger finds rows by key;"
                        + " add a primary key (or REPLICA IDENTITY USING INDEX) to the table");
            }
            if (!scan.keyColumns().containsAll(rowKey.keySet())) {
                throw new BadInputException("--key names " + new TreeSet<>(rowKey.keySet()) + " but the key of " + table + " is "
                        + scan.keyColumns() + ": give key columns only, e.g. --key " + scan.keyColumns().iterator().next() + "=...");
            }
            for (String column : nullColumns) {
                if (scan.keyColumns().contains(column.trim())) {
                    throw new BadInputException("--null " + column + " is a key column of " + table + ": a key cannot be nulled;"
                            + " leave --null out to leave the whole row out");
                }
                if (!scan.columns().contains(column.trim())) {
                    throw new BadInputException("--null " + column + ": table " + table + " has no such column; its columns: "
                            + scan.columns());
                }
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print a tenant's erasure ledger, oldest first.")
    static final class Listing extends OfTenant {
        @Option(names = "--json", description = "one JSON object per entry, one per line (the entry as stored)")
        boolean json;

        @Override
        public Integer call() {
            TenantId id = StoreAccess.tenantId(tenant);
            PrintWriter out = spec.commandLine().getOut();
            try (RegimeStores stores = new StoreAccess(erasures.tool.config()).locate(tenant, regime)) {
                ErasureLedger ledger = ErasureLedger.read(stores, id, note -> spec.commandLine().getErr().println("note: " + note));
                if (!json) {
                    out.println("erasure ledger of tenant " + id + " (regime " + stores.regime() + "): " + ledger.size() + " entr"
                            + (ledger.size() == 1 ? "y" : "ies") + ", each in both regions");
                }
                for (ErasureLedger.LedgerEntry e : ledger.entries()) {
                    ErasureEntry entry = e.entry();
                    if (json) {
                        out.println(new String(entry.toJson(), StandardCharsets.UTF_8));
                        continue;
                    }
                    out.println(entry.requestedAt() + "  " + entry.table() + " " + pairs(entry.key()) + "  " + entry.effect());
                    out.println("    by " + entry.requestedBy() + ": " + entry.reason());
                    entry.aliases().forEach(a -> out.println("    also under the key it had: " + pairs(a)));
                    out.println("    object " + e.key());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true,
            description = "Copy to the other region every ledger entry one region holds alone (an add that stopped between its two"
                    + " writes); until then every restore of the tenant refuses.")
    static final class Complete extends OfTenant {

        @Override
        public Integer call() {
            TenantId id = StoreAccess.tenantId(tenant);
            ToolConfig config = erasures.tool.config();
            String regimeName;
            try (RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
                regimeName = stores.regime();
            }
            try (LedgerWriter writer = writer(config, regimeName)) {
                List<ObjectKey> copied = writer.completeHalfWritten(id);
                spec.commandLine().getOut().println(copied.isEmpty() ? "every ledger entry of tenant " + id + " is in both regions"
                        : "copied " + copied.size() + " ledger entr" + (copied.size() == 1 ? "y" : "ies") + " to the region that lacked it: "
                        + copied);
            }
            return ExitCodes.OK;
        }
    }

    static LedgerWriter writer(ToolConfig config, String regime) {
        return new LedgerWriter(List.of(open(config, regime, ToolConfig.PRIMARY), open(config, regime, ToolConfig.BACKUP)));
    }

    private static ObjectStore open(ToolConfig config, String regime, String role) {
        RegionSettings region = config.store(regime, role);
        try {
            return S3ObjectStore.open(region.location(), StoreCredentials.fromFile(config.ledgerCredentials(regime, role)),
                    VersionPolicy.FIRST_VERSION);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config " + region.settingPrefix() + ToolConfig.LEDGER_CREDENTIALS_FILE + ": " + e.getMessage());
        }
    }

    static String pairs(Map<String, String> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
