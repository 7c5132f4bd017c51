package dev.strata.sink;

import dev.strata.schemas.crypto.SealedBody;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.keystore.KeyStores;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.StoreRole;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One regime on the local stack for a sink test: its own regime name, routed topic and locked
 * buckets in both regions, a producer of encoded change events, and readers that look at the
 * buckets as restore does (reader key, first versions).
 */
final class SinkTestBed implements AutoCloseable {
    static final long BASE_COMMIT_MICROS = 1_795_000_000_000_000L;
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();

    final LocalKafka kafka;
    final LocalObjectStores stores;
    final String regime;
    final String primaryBucket;
    final String backupBucket;
    final int partitions;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private BodySealer bodies;

    SinkTestBed(LocalKafka kafka, LocalObjectStores stores, String name, int partitions) {
        this.kafka = kafka;
        this.stores = stores;
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        this.regime = name + "-" + suffix;
        this.primaryBucket = regime + "-primary";
        this.backupBucket = regime + "-backup";
        this.partitions = partitions;
        stores.primary().createLockedBucket(primaryBucket);
        stores.backup().createLockedBucket(backupBucket);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        this.admin = Admin.create(props);
        try {
            // the router creates the directory in production; here the sink may be first
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.routed(regime), partitions, (short) 1),
                    new NewTopic(Topics.TENANTS, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))), "the test bed");
        } catch (InterruptedException e) {
            throw new IllegalStateException("cannot create the topics of " + regime, e);
        }
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A sink config for this regime with test-friendly numbers: small segments, quick rebalances. */
    Properties sinkProperties() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty(SinkConfig.REGIME, regime);
        region(p, RegionSettings.PRIMARY, stores.primary(), primaryBucket, StoreRole.WRITER);
        region(p, RegionSettings.BACKUP, stores.backup(), backupBucket, StoreRole.WRITER);
        p.setProperty(RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE), stores.kekFile(regime).toString());
        p.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "300");
        p.setProperty(SinkConfig.SEGMENT_MAX_RECORDS, "500");
        p.setProperty(SinkConfig.RETRY_INITIAL_BACKOFF_MS, "50");
        p.setProperty(SinkConfig.RETRY_MAX_BACKOFF_MS, "500");
        p.setProperty(SinkConfig.REVOCATION_TIMEOUT_MS, "10000");
        p.setProperty(SinkConfig.MANIFEST_CHECK_INTERVAL_MS, "1000");
        p.setProperty(SinkConfig.TOPIC_REPLICATION, "1");
        p.setProperty(SinkConfig.TOPIC_PARTITIONS, "3");
        p.setProperty("consumer.session.timeout.ms", "6000");
        p.setProperty("consumer.heartbeat.interval.ms", "1000");
        return p;
    }

    void region(Properties p, String role, LocalRegion region, String bucket, StoreRole key) {
        String prefix = RegimeSettings.PREFIX + regime + "." + role + ".";
        p.setProperty(prefix + RegimeSettings.ENDPOINT, region.endpoint().toString());
        p.setProperty(prefix + RegimeSettings.BUCKET, bucket);
        p.setProperty(prefix + RegimeSettings.SIGNING_REGION, region.signingRegion());
        p.setProperty(prefix + RegimeSettings.CREDENTIALS_FILE, region.credentialsFile(key).toString());
    }

    /** An insert of {@code tenant} as capture writes it; its event id is unique per (tenant, seq). */
    static ChangeEvent event(String tenant, long seq, long commitMicros) {
        return ChangeEvent.newBuilder()
                .setTenant(tenant).setSource("app").setTable("public.orders").setOp(Op.CREATE)
                .setCommitTsMicros(commitMicros).setLsn(1_000_000 + seq).setTxId(seq).setTxOrder(0)
                .setKey(List.of(new Column("id", "bigint", seq)))
                .setBefore(null)
                .setAfter(List.of(new Column("id", "bigint", seq), new Column("note", "text", "order " + seq + " of " + tenant)))
                .setEventId(tenant + ":" + seq)
                .build();
    }

    /** {@code count} events per tenant, interleaved, commit times increasing from {@code firstCommitMicros}. */
    List<ChangeEvent> events(List<String> tenants, int from, int count, long firstCommitMicros) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            for (String tenant : tenants) {
                events.add(event(tenant, i, firstCommitMicros + i * 1_000L));
            }
        }
        return events;
    }

    /** Sends {@code events} to the routed topic and returns once Kafka acknowledged every one; fails if one was refused. */
    void produce(List<ChangeEvent> events) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            acks.add(producer.send(new ProducerRecord<>(Topics.routed(regime), e.getTenant().getBytes(StandardCharsets.UTF_8), CODEC.encode(e))));
        }
        producer.flush();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException | InterruptedException e) {
                throw new IllegalStateException("the test's producer could not write event " + events.get(i).getEventId()
                        + " (" + i + " of " + events.size() + ") to " + Topics.routed(regime) + ": " + e.getCause(), e);
            }
        }
    }

    /** Sends {@code events} in batches of {@code batch}, one batch per {@code pause}: a steady load while sinks come and go. */
    void producePaced(List<ChangeEvent> events, int batch, Duration pause) {
        StopSignal pace = new StopSignal();
        for (int i = 0; i < events.size(); i += batch) {
            produce(events.subList(i, Math.min(events.size(), i + batch)));
            pace.awaitStop(pause);
        }
    }

    void place(String tenant, String placedRegime) throws Exception {
        producer.send(new ProducerRecord<>(Topics.TENANTS, tenant.getBytes(StandardCharsets.UTF_8),
                placedRegime.getBytes(StandardCharsets.UTF_8))).get();
    }

    Map<Integer, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(Topics.routed(regime), p), OffsetSpec.latest());
        }
        Map<Integer, Long> end = new TreeMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> end.put(tp.partition(), info.offset()));
        return end;
    }

    Map<Integer, Long> committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(SinkConfig.GROUP_ID_DEFAULT_PREFIX + regime)
                .partitionsToOffsetAndMetadata().get();
        Map<Integer, Long> committed = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            committed.put(p, 0L); // never committed: nothing durable yet, like offset 0
        }
        offsets.forEach((tp, om) -> {
            if (om != null) {
                committed.put(tp.partition(), om.offset());
            }
        });
        return committed;
    }

    /** Waits until every partition's committed offset is its end offset: everything produced is durable in both regions. */
    void awaitAllCommitted(Duration timeout) throws Exception {
        Map<Integer, Long> end = endOffsets();
        await("all offsets committed (end " + end + ")", timeout, () -> {
            try {
                return committed().equals(end);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Every record of {@code topic} as of now. */
    List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        props.setProperty("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The latest watermark of each tenant of this regime. */
    Map<String, Watermark> watermarks() {
        Map<String, Watermark> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readTopic(Topics.WATERMARKS)) {
            Watermark w = WatermarkCodec.decode(record.value());
            if (w.regime().equals(regime)) {
                latest.put(w.tenant().value(), w);
            }
        }
        return latest;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return record.headers().lastHeader(name) == null ? null
                : new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /**
     * Lets the writer read the Object Lock configuration of {@code bucket} (what an operator grants so
     * that the sink checks the lock at startup); the local stack's writer policy does not include it.
     */
    static void grantLockRead(LocalRegion region, String bucket) {
        try (IamClient iam = IamClient.builder()
                .endpointOverride(region.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        region.accessKey(StoreRole.ADMIN).accessKeyId(), region.accessKey(StoreRole.ADMIN).secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build()) {
            iam.putUserPolicy(r -> r.userName("strata-writer").policyName("strata-test-lock-read-" + bucket).policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetBucketObjectLockConfiguration\"],"
                            + "\"Resource\":[\"arn:aws:s3:::" + bucket + "\"]}]}"));
        }
    }

    /** A store as restore sees it: the reader key, first versions. */
    ObjectStore reader(LocalRegion region, String bucket) {
        return reader(region, bucket, VersionPolicy.FIRST_VERSION);
    }

    /** With {@link VersionPolicy#LATEST_VERSION}: one GET per read, for a test that has checked every key has one version. */
    ObjectStore reader(LocalRegion region, String bucket, VersionPolicy policy) {
        ObjectStore store = S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.READER)), policy);
        closeables.add(store);
        return store;
    }

    /** A store as the sink writes it: the writer key, latest versions (the writer may not list versions). */
    ObjectStore writer(LocalRegion region, String bucket) {
        ObjectStore store = S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.WRITER)), VersionPolicy.LATEST_VERSION);
        closeables.add(store);
        return store;
    }

    ObjectStore primaryReader() {
        return reader(stores.primary(), primaryBucket);
    }

    ObjectStore backupReader() {
        return reader(stores.backup(), backupBucket);
    }

    /** Every object of the tenant's log, with its first version's bytes. */
    static Map<ObjectKey, byte[]> segments(ObjectStore store, String tenant) {
        Map<ObjectKey, byte[]> objects = new TreeMap<>();
        for (ObjectKey key : store.listAll(BackupLayout.logPrefix(TenantId.of(tenant)), Optional.empty()).map(ListedObject::key).toList()) {
            StoredObject object = store.get(key).orElseThrow();
            objects.put(key, object.bytes());
        }
        return objects;
    }

    /**
     * The regime's bodies as its sink seals them: its key store, opened with the writer's keys (which may create data keys,
     * as a fold's base tables need) and this bed's key-encryption key.
     */
    synchronized BodySealer bodies() {
        if (bodies == null) {
            Properties p = sinkProperties();
            StoredDataKeys keys = KeyStores.open(p, RegimeSettings.withCredentials(p, regime, RegionSettings.PRIMARY, "writer"),
                    RegimeSettings.withCredentials(p, regime, RegionSettings.BACKUP, "writer"), KeyRotation.DEFAULT, true);
            closeables.add(keys);
            bodies = BodySealer.sealing(keys);
        }
        return bodies;
    }

    /** The ids of the row changes the stored segments hold (capture's table definitions and transaction ends, DDL and COMMIT events, left out). */
    List<String> eventIds(Map<ObjectKey, byte[]> segments) {
        List<String> ids = new ArrayList<>();
        segments.forEach((key, stored) -> {
            assertThat(SealedBody.isSealed(stored)).as("%s is stored sealed under its tenant's data key", key).isTrue();
            byte[] body = bodies().open(key, stored);
            SegmentReader.readAllChecked(body, key.value()).stream()
                    .filter(e -> e.getOp() != Op.DDL && e.getOp() != Op.COMMIT).forEach(e -> ids.add(e.getEventId()));
        });
        return ids;
    }

    static List<String> ids(List<ChangeEvent> events, String tenant) {
        return events.stream().filter(e -> e.getTenant().equals(tenant)).map(ChangeEvent::getEventId).collect(Collectors.toList());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** @param evidence what to print beside the timeout, e.g. a child process's log */
    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> evidence) {
        Instant deadline = Instant.now().plus(timeout);
        StopSignal never = new StopSignal();
        while (!condition.getAsBoolean()) {
            if (!Instant.now().isBefore(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + " in vain" + evidence.get());
            }
            never.awaitStop(Duration.ofMillis(200));
        }
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // test cleanup
            }
        }
    }
}
