package dev.strata.local;

import java.nio.file.Path;
import java.util.UUID;

/**
 * ceph.conf of one throwaway single-node cluster: one mon, one bluestore OSD on a sparse file, one
 * radosgw, all on 127.0.0.1 and all files below one directory (no /etc/ceph, no /var/lib/ceph).
 */
final class CephConfig {
    static final String MON_ID = "a";
    static final int OSD_ID = 0;
    // A unix socket path holds at most 107 bytes; beyond that the daemons cannot create admin sockets.
    private static final int MAX_SOCKET_PATH = 100;

    private CephConfig() {
    }

    static String gatewayName(String region) {
        return "client.rgw." + region;
    }

    /** Where each daemon writes its pid (daemon names as Ceph spells them: mon.a, osd.0, client.rgw.x). */
    static Path pidFile(Path dir, String daemon) {
        return dir.resolve("run").resolve(daemon + ".pid");
    }

    static Path logFile(Path dir, String daemon) {
        return dir.resolve("log").resolve(daemon + ".log");
    }

    static String render(Path dir, UUID fsid, int monV2Port, int monV1Port, String region, int gatewayPort) {
        String socket = dir.resolve("run") + "/$name.asok";
        boolean socketFits = dir.resolve("run").resolve(gatewayName(region) + ".asok").toString().length() <= MAX_SOCKET_PATH;
        return String.join("\n",
                "[global]",
                "fsid = " + fsid,
                "mon host = " + monAddress(monV2Port, monV1Port),
                "public addr = 127.0.0.1",
                "public network = 127.0.0.0/8",
                "ms bind ipv6 = false",
                "auth cluster required = cephx",
                "auth service required = cephx",
                "auth client required = cephx",
                "run dir = " + dir.resolve("run"),
                // admin sockets are only for debugging; a deep work dir would make them fail to bind
                "admin socket = " + (socketFits ? socket : ""),
                "log file = " + dir.resolve("log") + "/$name.log",
                "pid file = " + dir.resolve("run") + "/$name.pid",
                // one OSD: every pool has one replica and few placement groups
                "osd pool default size = 1",
                "osd pool default min size = 1",
                "osd pool default pg num = 8",
                "osd pool default pgp num = 8",
                "osd pool default pg autoscale mode = off",
                "osd crush chooseleaf type = 0",
                "mon allow pool size one = true",
                "mon allow pool delete = true",
                "mon warn on pool no redundancy = false",
                "mon max pg per osd = 1000",
                "mon data avail warn = 1",
                "mon data avail crit = 0",
                // Every pool radosgw creates is a map change the mon proposes at most once per
                // paxos interval (1 s by default): 9 s of a 15 s start. 50 ms makes it about 1 s.
                "paxos propose interval = 0.05",
                "paxos min wait = 0.01",
                "[client.admin]",
                "keyring = " + dir.resolve("admin.keyring"),
                "[mon]",
                "mon data = " + dir.resolve("mon") + "/$id",
                "[osd]",
                "osd data = " + dir.resolve("osd") + "/$id",
                "keyring = " + dir.resolve("osd") + "/$id/keyring",
                "osd objectstore = bluestore",
                // a sparse 20 GiB file: it costs only what is written
                "bluestore block create = true",
                "bluestore block size = 21474836480",
                // fsck of an empty store proves nothing and costs a second on mkfs
                "bluestore fsck on mkfs = false",
                "bluestore fsck on mount = false",
                "osd memory target = 1073741824",
                "osd op num shards = 2",
                "osd op num threads per shard = 2",
                "[" + gatewayName(region) + "]",
                "keyring = " + dir.resolve("rgw").resolve("keyring"),
                // without it a small response waits for the client's delayed ACK (Nagle): 40-50 ms per GET of a manifest or
                // a durable mark, 2-5 ms with it on loopback
                "rgw frontends = beast endpoint=127.0.0.1:" + gatewayPort + " tcp_nodelay=1",
                "rgw data = " + dir.resolve("rgw"),
                "rgw thread pool size = 64",
                "rgw dns name = localhost",
                "");
    }

    static String monAddress(int monV2Port, int monV1Port) {
        return "[v2:127.0.0.1:" + monV2Port + ",v1:127.0.0.1:" + monV1Port + "]";
    }
}
