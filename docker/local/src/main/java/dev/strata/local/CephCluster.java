package dev.strata.local;

import dev.strata.local.process.ExternalCommand;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.PidFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One throwaway Ceph cluster (one mon, one bluestore OSD, one radosgw) bootstrapped by running the
 * Ceph tools in order, as the Ceph manual deployment guide does, with every file below {@code dir}.
 */
final class CephCluster {
    private static final String MON = "mon." + CephConfig.MON_ID;
    private static final String OSD = "osd." + CephConfig.OSD_ID;
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final String region;
    private final RadosGateway gateway;

    private CephCluster(Path dir, String region, RadosGateway gateway) {
        this.dir = dir;
        this.region = region;
        this.gateway = gateway;
    }

    /** The pid files of all daemons of a cluster in {@code dir}, for the watchdog. */
    static List<Path> pidFiles(Path dir, String region) {
        return List.of(CephConfig.pidFile(dir, CephConfig.gatewayName(region)),
                CephConfig.pidFile(dir, OSD),
                CephConfig.pidFile(dir, MON));
    }

    /** Bootstraps mon, OSD and radosgw on fresh loopback ports; returns once S3 answers. */
    static CephCluster start(Path dir, String region) {
        for (int attempt = 1; ; attempt++) {
            CephCluster cluster = new CephCluster(dir, region, new RadosGateway(dir, region, FreePorts.next()));
            try {
                cluster.bootstrap(FreePorts.next(), FreePorts.next());
                return cluster;
            } catch (RuntimeException e) {
                cluster.kill();
                // a port probed as free was taken before the mon or radosgw bound it: new ports, new cluster
                if (attempt == START_ATTEMPTS || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                InstanceDir.deleteTree(dir);
            }
        }
    }

    RadosGateway gateway() {
        return gateway;
    }

    /** Creates an S3 user with the given keys; the policy admin may also set users' IAM policies. */
    void createUser(String uid, AccessKey key, boolean policyAdmin) {
        List<String> args = new ArrayList<>(List.of("radosgw-admin", "-c", conf(),
                "user", "create", "--uid=" + uid, "--display-name=" + uid,
                "--access-key=" + key.accessKeyId(), "--secret-key=" + key.secretAccessKey()));
        if (policyAdmin) {
            args.add("--caps=user-policy=*");
        }
        ExternalCommand.of("create user " + uid, args)
                .secret(key.secretAccessKey())
                .discardStdout() // it prints the user as JSON, secret included
                .run(logDir());
    }

    /**
     * SIGKILLs every daemon and waits for them. The cluster is thrown away with its directory, so
     * there is nothing to flush; a polite SIGTERM costs about 2 s per daemon, more if the mon is
     * already gone (the OSD waits to report its shutdown).
     */
    void kill() {
        PidFiles.killAll(dir);
    }

    private void bootstrap(int monV2Port, int monV1Port) {
        for (String sub : List.of("mon/" + CephConfig.MON_ID, "osd/" + CephConfig.OSD_ID, "run", "log", "rgw")) {
            createDirectories(dir.resolve(sub));
        }
        UUID fsid = UUID.randomUUID();
        write(dir.resolve("ceph.conf"), CephConfig.render(dir, fsid, monV2Port, monV1Port, region, gateway.port()));
        createKeyrings();
        startMon(fsid, CephConfig.monAddress(monV2Port, monV1Port));
        startOsd();
        gateway.start();
    }

    // All keys exist before the mon's mkfs, so the mon knows the gateway's key from its first second:
    // one `ceph auth` round trip less per cluster.
    private void createKeyrings() {
        Path monKeyring = dir.resolve("mon.keyring");
        Path adminKeyring = dir.resolve("admin.keyring");
        Path gatewayKeyring = dir.resolve("rgw").resolve("keyring");
        run("mon key", "ceph-authtool", "--create-keyring", monKeyring.toString(), "--gen-key", "-n", "mon.", "--cap", "mon", "allow *");
        run("admin key", "ceph-authtool", "--create-keyring", adminKeyring.toString(), "--gen-key", "-n", "client.admin",
                "--cap", "mon", "allow *", "--cap", "osd", "allow *", "--cap", "mgr", "allow *", "--cap", "mds", "allow *");
        run("gateway key", "ceph-authtool", "--create-keyring", gatewayKeyring.toString(), "--gen-key",
                "-n", CephConfig.gatewayName(region), "--cap", "mon", "allow rw", "--cap", "osd", "allow rwx");
        run("import admin key", "ceph-authtool", monKeyring.toString(), "--import-keyring", adminKeyring.toString());
        run("import gateway key", "ceph-authtool", monKeyring.toString(), "--import-keyring", gatewayKeyring.toString());
    }

    private void startMon(UUID fsid, String monAddress) {
        Path monmap = dir.resolve("monmap");
        run("monmap", "monmaptool", "--create", "--fsid", fsid.toString(), "--addv", CephConfig.MON_ID, monAddress, monmap.toString());
        ExternalCommand.of("mon mkfs", "ceph-mon", "-c", conf(), "--mkfs", "-i", CephConfig.MON_ID,
                        "--monmap", monmap.toString(), "--keyring", dir.resolve("mon.keyring").toString())
                .explainWith(CephConfig.logFile(dir, MON))
                .run(logDir());
        ExternalCommand.of("start mon", "ceph-mon", "-c", conf(), "-i", CephConfig.MON_ID)
                .explainWith(CephConfig.logFile(dir, MON))
                .run(logDir());
    }

    // `osd new` with a ready-made cephx secret registers the OSD and its key in one mon command.
    private void startOsd() {
        String osdKey = run("osd key", "ceph-authtool", "--gen-print-key");
        Path osdDir = dir.resolve("osd").resolve(String.valueOf(CephConfig.OSD_ID));
        writePrivate(osdDir.resolve("keyring"), "[" + OSD + "]\n\tkey = " + osdKey + "\n");
        Path secretJson = dir.resolve("osd-new.json");
        writePrivate(secretJson, "{\"cephx_secret\": \"" + osdKey + "\"}\n");
        String osdUuid = UUID.randomUUID().toString();
        String id = ExternalCommand.of("osd new", "ceph", "-c", conf(), "--connect-timeout", "60",
                        "osd", "new", osdUuid, "-i", secretJson.toString())
                .explainWith(CephConfig.logFile(dir, MON))
                .run(logDir());
        if (!id.equals(String.valueOf(CephConfig.OSD_ID))) {
            throw new IllegalStateException("region " + region + ": expected the first OSD to get id "
                    + CephConfig.OSD_ID + " but the mon answered '" + id + "'");
        }
        ExternalCommand.of("osd mkfs", "ceph-osd", "-c", conf(), "-i", id, "--mkfs", "--no-mon-config", "--osd-uuid", osdUuid)
                .explainWith(CephConfig.logFile(dir, OSD))
                .run(logDir());
        // radosgw waits for the OSD by itself: its pools only become usable once the OSD is up
        ExternalCommand.of("start osd", "ceph-osd", "-c", conf(), "-i", id)
                .explainWith(CephConfig.logFile(dir, OSD))
                .run(logDir());
    }

    private String run(String step, String... args) {
        return ExternalCommand.of(step, args).run(logDir());
    }

    private String conf() {
        return dir.resolve("ceph.conf").toString();
    }

    private Path logDir() {
        return dir.resolve("log");
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void writePrivate(Path file, String text) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
