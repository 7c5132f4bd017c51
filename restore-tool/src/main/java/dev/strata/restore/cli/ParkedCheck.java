package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.ParkedSince;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.kafka.Topics;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongFunction;

/**
 * The rollback's fast path asks the dead-letter topic whether a change that may be the tenant's is
 * parked ({@link ParkedSince}); when Kafka cannot be asked, nothing proves none is: that is a reason too.
 */
final class ParkedCheck {
    private ParkedCheck() {
    }

    /** @return for a restore point, why the tenant's log may lack a change of the live database; empty when nothing is parked */
    static LongFunction<Optional<String>> of(ToolConfig config, TenantId tenant) {
        return sinceMicros -> {
            Properties kafka;
            try {
                kafka = config.kafka();
            } catch (BadInputException noKafka) {
                return Optional.of(Topics.DEAD_LETTERS + " cannot be checked (" + ToolConfig.BOOTSTRAP_SERVERS + " is not set in the"
                        + " config), so nothing proves no change of tenant " + tenant + " is parked outside its log");
            }
            try {
                KafkaReachability.require(kafka, "restore-tool", DeadLetterNotice.KAFKA_DEADLINE);
                return ParkedSince.find(kafka, tenant, sinceMicros, DeadLetterNotice.READ_TIMEOUT);
            } catch (KafkaUnavailableException e) {
                return Optional.of(Topics.DEAD_LETTERS + " cannot be checked (Kafka unreachable: " + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(Topics.DEAD_LETTERS + " cannot be checked (interrupted)");
            }
        };
    }
}
