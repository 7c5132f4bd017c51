package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.ParkedChanges;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What {@code replay}, {@code list points} and {@code verify} say about a tenant's parked changes.
 * A restore needs only the stores: when Kafka cannot be asked, this says so and the command goes on.
 */
final class DeadLetterNotice {
    /** How long a restore waits for Kafka's first answer before it says the dead letters were not checked. */
    static final Duration KAFKA_DEADLINE = Duration.ofSeconds(5);
    /** Bounds the read of the whole dead-letter topic. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private DeadLetterNotice() {
    }

    /** @param untilMicros the restore point; {@code Long.MAX_VALUE} for the whole backup */
    static void print(PrintWriter out, ToolConfig config, TenantId tenant, long untilMicros) {
        Properties kafka;
        try {
            kafka = config.kafka();
        } catch (BadInputException noKafka) {
            out.println("dead letters not checked (" + ToolConfig.BOOTSTRAP_SERVERS + " is not set in the config: set it to check "
                    + Topics.DEAD_LETTERS + " for this tenant's parked changes)");
            return;
        }
        ParkedChanges parked;
        try {
            KafkaReachability.require(kafka, "restore-tool", KAFKA_DEADLINE);
            parked = ParkedChanges.read(kafka, tenant, untilMicros, READ_TIMEOUT);
        } catch (KafkaUnavailableException e) {
            out.println("dead letters not checked (Kafka unreachable: " + e.getMessage() + ")");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("dead letters not checked (interrupted)");
            return;
        } catch (RuntimeException e) {
            out.println("dead letters not checked (" + e.getMessage() + ")");
            return;
        }
        print(out, tenant, untilMicros, parked);
    }

    static void print(PrintWriter out, TenantId tenant, long untilMicros, ParkedChanges parked) {
        boolean toPoint = untilMicros != Long.MAX_VALUE;
        String read = String.format(Locale.ROOT, "%s: %,d records read in %.1f s", Topics.DEAD_LETTERS, parked.topicRecords(),
                parked.tookNanos() / 1e9);
        if (parked.missing() == 0) {
            out.printf(Locale.ROOT, "dead letters: no change of tenant %s %sis parked (%s)%n", tenant,
                    toPoint ? "committed at or before the restore point " : "", read);
        } else {
            String times = parked.first().isPresent()
                    ? "commits " + RestoreTime.format(parked.first().getAsLong()) + " to " + RestoreTime.format(parked.last().getAsLong())
                    : "no readable commit time";
            String unknown = parked.unknownTime() > 0 && parked.first().isPresent()
                    ? String.format(Locale.ROOT, " (%,d without a readable commit time)", parked.unknownTime()) : "";
            String reasons = parked.reasons().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
            out.printf(Locale.ROOT, "dead letters: %,d change(s) of tenant %s %s parked in %s and NOT in %s: %s%s; reasons %s (%s)%n",
                    parked.missing(), tenant, toPoint ? "committed at or before the restore point are" : "are", Topics.DEAD_LETTERS,
                    toPoint ? "this restore" : "the backup", times, unknown, reasons, read);
            out.println("  fix: UNPLACED -> 'restore-tool tenants put " + tenant + " <regime>' (it redrives them);"
                    + " other reasons -> the records' strata.dlq.detail header, then 'restore-tool dlq redrive --reason <reason>'");
        }
        if (toPoint && parked.after() > 0) {
            out.printf(Locale.ROOT, "dead letters: %,d more parked change(s) of tenant %s committed after the restore point%n",
                    parked.after(), tenant);
        }
    }
}
