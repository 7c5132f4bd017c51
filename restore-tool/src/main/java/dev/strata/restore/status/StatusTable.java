package dev.strata.restore.status;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.Region;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code restore-tool status} prints: one line per tenant, one {@link StatusColumn} each.
 * A new column (such as the last drill) is one more entry in {@link #COLUMNS}, and the last column
 * is not padded so that long values (positions) stay readable.
 */
public final class StatusTable {
    public static final List<StatusColumn> COLUMNS = List.of(
            new StatusColumn("tenant", 24, TenantStatus::tenant),
            new StatusColumn("regime", 8, s -> s.regime().orElse("-")),
            new StatusColumn("durable in both regions until", 30, s -> s.durableInBothMicros().map(RestoreTime::format).orElse("-")),
            new StatusColumn("lag", 10, s -> s.durableInBothMicros().isEmpty() ? "-" : String.format(Locale.ROOT, "%.1fs", s.lagSeconds())),
            new StatusColumn("durable point in primary", 32, s -> s.region(Region.PRIMARY).cell()),
            new StatusColumn("durable point in backup", 32, s -> s.region(Region.BACKUP).cell()),
            new StatusColumn("last drill", 32, TenantStatus::lastDrill),
            new StatusColumn("position", 0, s -> s.position().orElse("-")));

    private StatusTable() {
    }

    public static void print(PrintWriter out, List<TenantStatus> rows) {
        out.println(line(COLUMNS.stream().map(StatusColumn::header).toList()));
        for (TenantStatus row : rows) {
            if (row.unreadable().isPresent()) {
                out.println(line(List.of(row.tenant(), "(unreadable watermark: " + row.unreadable().get() + ")")));
                continue;
            }
            out.println(line(COLUMNS.stream().map(c -> c.cell().apply(row)).toList()));
        }
    }

    private static String line(List<String> cells) {
        List<String> padded = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            boolean last = i == cells.size() - 1;
            padded.add(last ? cells.get(i) : String.format(Locale.ROOT, "%-" + COLUMNS.get(i).width() + "s", cells.get(i)));
        }
        return String.join(" ", padded).stripTrailing();
    }
}
