package dev.strata.restore.bench;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.local.LocalObjectStores;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The benchmark tenant's backup in the two local Ceph regions, written by the sink's own classes
 * ({@link SinkBackup}) with the sink's writer credentials: segments of {@value #EVENTS_PER_SEGMENT}
 * events (or fewer, where the sink's size limit cuts first) in both regions, a sealed manifest for
 * every hour but the last (the one still open), and bases made by the sink's fold when asked.
 */
final class BenchBackup implements AutoCloseable {
    static final int EVENTS_PER_SEGMENT = 50_000;
    private static final String PRIMARY_BUCKET = "bench-primary";
    private static final String BACKUP_BUCKET = "bench-backup";
    private static final String REGIME = "bench";
    /** The system property that makes the comparison run: bodies stored unsealed. */
    static final String UNSEALED = "strata.bench.unsealed";

    private final ObjectStore primary;
    private final ObjectStore backup;
    private final StoredDataKeys keys;
    private final SinkBackup sink;

    private BenchBackup(LocalObjectStores stores, Path work) {
        stores.primary().createLockedBucket(PRIMARY_BUCKET);
        stores.backup().createLockedBucket(BACKUP_BUCKET);
        this.primary = LocalStores.writer(stores.primary(), PRIMARY_BUCKET);
        this.backup = LocalStores.writer(stores.backup(), BACKUP_BUCKET);
        this.keys = LocalStores.writerKeys(stores, REGIME, PRIMARY_BUCKET, BACKUP_BUCKET);
        // -Dstrata.bench.unsealed=true: the comparison run, bodies stored as sinks before sealing stored them
        this.sink = new SinkBackup(primary, backup, work, Boolean.getBoolean(UNSEALED) ? BodySealer.unsealed(keys) : BodySealer.sealing(keys));
    }

    /** Creates the two locked buckets and the sink that writes to them. */
    static BenchBackup open(LocalObjectStores stores, Path work) {
        return new BenchBackup(stores, work);
    }

    /** The whole log, in one run of the sink over one partition; then every hour but the last is sealed. The segments stored. */
    List<ObjectKey> write(BenchRows log) {
        SinkBackup.Feed feed = sink.feed(0, SinkBackup.everyNEvents(EVENTS_PER_SEGMENT));
        long[] last = new long[1];
        log.forEach(e -> {
            feed.append(e);
            last[0] = Math.max(last[0], e.getCommitTsMicros());
        });
        List<ObjectKey> segments = feed.end();
        sink.seal(Optional.of(UtcHour.containing(last[0])));
        return segments;
    }

    /** More changes, after the log: one more run of the sink over the same partition, left unsealed (the hour still open). */
    void append(List<ChangeEvent> changes) {
        SinkBackup.Feed feed = sink.feed(0, SinkBackup.everyNEvents(EVENTS_PER_SEGMENT));
        changes.forEach(feed::append);
        feed.end();
    }

    /** The durable point moved to {@code micros} by capture's heartbeats, as the sink marks it for a tenant with no newer change. */
    void heartbeat(long micros) {
        sink.idleUntil(TenantId.of(BenchRows.TENANT), micros);
    }

    /** The base the sink's fold makes, cut at {@code cutMicros}, on top of the newest base there is. */
    BaseManifest base(long cutMicros) {
        return sink.base(TenantId.of(BenchRows.TENANT), cutMicros + 1);
    }

    /** The restore tool's config for both buckets, with the reader credentials. */
    static Path toolConfig(LocalObjectStores stores, Path dir) throws IOException {
        return LocalStores.write(toolProperties(stores), dir);
    }

    /** As {@link #toolConfig(LocalObjectStores, Path)}, with Kafka too: where the tool asks for the tenant's parked changes. */
    static Path toolConfig(LocalObjectStores stores, LocalKafka kafka, Path dir) throws IOException {
        Properties props = toolProperties(stores);
        props.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        return LocalStores.write(props, dir);
    }

    private static Properties toolProperties(LocalObjectStores stores) {
        Properties props = LocalStores.regime(REGIME, stores.primary(), PRIMARY_BUCKET, stores.backup(), BACKUP_BUCKET);
        props.setProperty(RegimeSettings.regimeKey(REGIME, RegimeSettings.KEK_FILE), stores.kekFile(REGIME).toString());
        props.setProperty(ToolConfig.READERS, System.getProperty("strata.bench.readers", Integer.toString(ToolConfig.READERS_DEFAULT)));
        // -Dstrata.bench.load.sessions=1 (e.g. through JAVA_TOOL_OPTIONS): the load on one session, to compare in turn
        props.setProperty(ToolConfig.LOAD_SESSIONS, System.getProperty("strata.bench.load.sessions",
                Integer.toString(ToolConfig.LOAD_SESSIONS_DEFAULT)));
        return props;
    }

    @Override
    public void close() {
        try (primary; backup; keys) {
            sink.close();
        }
    }
}
