package dev.strata.production.soak;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.StoreRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The services' properties files, written as docker/demo writes them (the production-shaped keys), for the soak's
 * topology: 6 partitions so that 2-3 sinks of a regime share them, one capture for the three source databases.
 */
final class SoakConfigs {
    static final List<String> REGIMES = List.of("us", "eu");
    static final String PARTITIONS = "6";
    private final String kafka;
    private final int postgresPort;
    private final String postgresUser;
    private final LocalObjectStores stores;
    private final Path dir;

    SoakConfigs(String kafka, int postgresPort, String postgresUser, LocalObjectStores stores, Path dir) {
        this.kafka = kafka;
        this.postgresPort = postgresPort;
        this.postgresUser = postgresUser;
        this.stores = stores;
        this.dir = dir;
    }

    static String bucket(String regime) {
        return "soak-" + regime;
    }

    Properties router(int metricsPort, String instance) {
        Properties p = common(metricsPort);
        p.setProperty("strata.regimes", String.join(",", REGIMES));
        p.setProperty("state.dir", dir.resolve("state-" + instance).toString());
        return p;
    }

    Properties sink(String regime, int metricsPort) {
        Properties p = common(metricsPort);
        p.setProperty("strata.regime", regime);
        for (LocalRegion region : stores.regions()) {
            region(p, regime, region, "credentials.file", StoreRole.WRITER);
        }
        p.setProperty("strata.regime." + regime + ".kek.file", stores.kekFile(regime).toString());
        return p;
    }

    /** One capture process for soak_a, soak_b (tenant column) and soak_c (every row is tenant c1's). */
    Properties capture(int metricsPort) {
        Properties p = common(metricsPort);
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(postgresPort));
        p.setProperty("database.user", postgresUser);
        p.setProperty("database.dbname", SourceDatabases.database("a"));
        p.setProperty("strata.capture.tables", "public.orders,public.markers");
        p.setProperty("strata.capture.databases", String.join(",", SourceDatabases.IDS));
        for (String id : SourceDatabases.IDS) {
            p.setProperty("strata.capture.databases." + id + ".database.dbname", SourceDatabases.database(id));
        }
        p.setProperty("strata.capture.databases.c.strata.capture.tenant.fixed", SourceDatabases.FIXED_TENANT);
        return p;
    }

    /** restore-tool's: the reader keys of every region (and each regime's key-encryption key). */
    Properties restore() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka);
        p.setProperty("strata.regimes", String.join(",", REGIMES));
        for (String regime : REGIMES) {
            for (LocalRegion region : stores.regions()) {
                region(p, regime, region, "credentials.file", StoreRole.READER);
            }
            p.setProperty("strata.regime." + regime + ".kek.file", stores.kekFile(regime).toString());
        }
        return p;
    }

    private void region(Properties p, String regime, LocalRegion region, String credentialsKey, StoreRole role) {
        String prefix = "strata.regime." + regime + "." + region.name() + ".";
        p.setProperty(prefix + "endpoint", region.endpoint().toString());
        p.setProperty(prefix + "bucket", bucket(regime));
        p.setProperty(prefix + "region", region.signingRegion());
        p.setProperty(prefix + credentialsKey, region.credentialsFile(role).toString());
    }

    private Properties common(int metricsPort) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka);
        p.setProperty("strata.topics.partitions", PARTITIONS);
        p.setProperty("strata.topics.replication.factor", "1");
        p.setProperty("strata.metrics.port", Integer.toString(metricsPort));
        return p;
    }
}
