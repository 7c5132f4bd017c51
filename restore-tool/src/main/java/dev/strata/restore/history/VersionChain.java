package dev.strata.restore.history;

import dev.strata.restore.target.ColumnText;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.CutTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the matching changes into versions, oldest to newest per row, so that each UPDATE can say
 * which columns it changed: a change carries its new image, and under Postgres' default replica
 * identity not its old one, so the previous version is the only way to know.
 */
final class VersionChain {
    /** How an unchanged TOASTed value reads when its earlier version is not among those read. */
    static final String UNCHANGED = ColumnText.UNCHANGED;

    /** Whether {@code event} belongs in the history asked for; with a key, every kind of change of that row does. */
    static boolean isVersionOf(ChangeEvent event, HistoryQuery query) {
        if (!event.getTable().equals(query.table()) || !HistoryQuery.ROW_OPS.contains(event.getOp())) {
            return false;
        }
        if (query.key().isEmpty()) {
            return query.op().map(op -> op == event.getOp()).orElse(true);
        }
        if (event.getOp() == Op.TRUNCATE) {
            return true; // it removes every row, this one too
        }
        Map<String, String> key = text(event.getKey());
        return query.key().entrySet().stream().allMatch(k -> k.getValue().equals(key.get(k.getKey())));
    }

    List<RowVersion> versions(List<ChangeEvent> matching, HistoryQuery query) {
        List<ChangeEvent> ordered = dedupe(matching);
        ordered.sort(Comparator.comparingLong(CutTime::of).thenComparingLong(ChangeEvent::getLsn).thenComparingLong(ChangeEvent::getTxOrder));
        Map<Map<String, String>, Map<String, String>> lastImage = new HashMap<>();
        List<RowVersion> versions = new ArrayList<>();
        for (ChangeEvent event : ordered) {
            RowVersion version = version(event, lastImage);
            if (query.op().map(op -> op == event.getOp()).orElse(true)) {
                versions.add(version);
            }
        }
        return versions;
    }

    private static RowVersion version(ChangeEvent event, Map<Map<String, String>, Map<String, String>> lastImage) {
        Map<String, String> key = text(event.getKey());
        Map<String, String> previous = lastImage.get(key);
        Map<String, String> row;
        Optional<Map<String, String>> changed;
        switch (event.getOp()) {
            case CREATE, READ -> {
                row = text(event.getAfter());
                changed = Optional.of(row);
                lastImage.put(key, row);
            }
            case UPDATE -> {
                row = carried(text(event.getAfter()), previous);
                Map<String, String> before = previous != null ? previous : fullBefore(event);
                changed = before == null ? Optional.empty() : Optional.of(difference(before, row));
                lastImage.put(key, row);
            }
            case TRUNCATE -> {
                row = Map.of();
                changed = Optional.of(Map.of());
                lastImage.clear();
            }
            default -> { // DELETE
                row = previous != null ? previous : text(event.getBefore());
                changed = Optional.of(Map.of());
                lastImage.remove(key);
            }
        }
        return new RowVersion(CutTime.of(event), event.getCommitTsMicros(), event.getOp(), event.getTxId(), event.getLsn(), key, row, changed);
    }

    /** The old image when the table's replica identity is FULL (every column); otherwise unknown. */
    private static Map<String, String> fullBefore(ChangeEvent event) {
        if (event.getBefore() == null || event.getAfter() == null || event.getBefore().size() != event.getAfter().size()) {
            return null;
        }
        return text(event.getBefore());
    }

    private static Map<String, String> carried(Map<String, String> after, Map<String, String> previous) {
        if (previous == null) {
            return after;
        }
        Map<String, String> row = new LinkedHashMap<>(after);
        row.replaceAll((column, value) -> UNCHANGED.equals(value) && previous.containsKey(column) ? previous.get(column) : value);
        return row;
    }

    private static Map<String, String> difference(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changed = new LinkedHashMap<>();
        after.forEach((column, value) -> {
            if (!before.containsKey(column) || !Objects.equals(before.get(column), value)) {
                changed.put(column, value);
            }
        });
        return changed;
    }

    private static List<ChangeEvent> dedupe(List<ChangeEvent> events) {
        Set<String> seen = new HashSet<>();
        List<ChangeEvent> unique = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            if (seen.add(event.getEventId())) {
                unique.add(event);
            }
        }
        return unique;
    }

    /** Column name to Postgres text, in the event's column order; NULL stays null. */
    static Map<String, String> text(List<Column> columns) {
        return ColumnText.of(columns);
    }
}
