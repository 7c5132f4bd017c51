package dev.strata.capture;

import io.debezium.embedded.KafkaConnectUtil;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;
import org.apache.kafka.connect.util.TopicAdmin;

/**
 * Kafka Connect's Kafka offset store (topic {@code strata.capture.offsets}), with an admin client
 * it closes. Debezium 3.6's embedded engine builds the store with a shared admin client that
 * nothing ever closes: its thread outlives the engine and keeps reconnecting. Debezium creates this
 * class by name (setting {@code offset.storage}) through its no-argument constructor.
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {
    private static final Duration ADMIN_CLOSE = Duration.ofSeconds(10);

    private final AdminSupplier admin;

    public KafkaOffsetStore() {
        this(new AdminSupplier());
    }

    private KafkaOffsetStore(AdminSupplier admin) {
        super(admin, () -> "strata-capture-offsets", KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        admin.configure(config.originals());
        super.configure(config);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            admin.close();
        }
    }

    /** Created on configure, handed to the store on start, closed on stop. */
    private static final class AdminSupplier implements Supplier<TopicAdmin> {
        private SharedTopicAdmin shared;

        void configure(Map<String, Object> engineConfig) {
            Map<String, Object> props = new HashMap<>();
            // the engine's settings hold the database's too: an admin client gets the Kafka ones only
            engineConfig.forEach((key, value) -> {
                if (!key.startsWith("database.")) {
                    props.put(key, value);
                }
            });
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "strata-capture-offsets-admin");
            shared = new SharedTopicAdmin(props);
        }

        @Override
        public TopicAdmin get() {
            if (shared == null) {
                throw new IllegalStateException("the offset store was started before it was configured");
            }
            return shared.get();
        }

        void close() {
            if (shared != null) {
                shared.close(ADMIN_CLOSE);
            }
        }
    }
}
