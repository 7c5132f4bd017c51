package dev.strata.restore.kafka;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterScan;
import dev.strata.schemas.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Whether a change that may be the tenant's is parked in the dead-letter topic, and so in no log:
 * the tenant's own parked changes, of any time, and changes of no known tenant committed after a
 * point (a TRUNCATE of a shared table is parked so: it removes every tenant's rows at once). A
 * rollback that compares only the keys its log names cannot see such a change.
 */
public final class ParkedSince {
    private ParkedSince() {
    }

    /** @return what is parked, in words; empty when nothing that may be the tenant's is */
    public static Optional<String> find(Properties kafka, TenantId tenant, long sinceMicros, Duration timeout) {
        ChangeEventCodec codec = new ChangeEventCodec();
        List<String> found = new ArrayList<>();
        DeadLetterScan.scan(kafka, timeout, new StopSignal(), parked -> {
            OptionalLong commit = parked.commitMicros(codec);
            boolean own = tenant.value().equals(parked.tenant());
            boolean unknownSince = parked.tenant() == null && (commit.isEmpty() || commit.getAsLong() > sinceMicros);
            if (own || unknownSince) {
                found.add((own ? "a change of tenant " + tenant : "a change of no known tenant") + " (" + parked.reasonName()
                        + (commit.isPresent() ? ", committed " + RestoreTime.format(commit.getAsLong()) : "") + ")");
            }
        });
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0) + (found.size() > 1 ? " and " + (found.size() - 1)
                + " more" : "") + " is parked in " + Topics.DEAD_LETTERS + ", in no log");
    }
}
