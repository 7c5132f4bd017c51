package dev.strata.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free loopback ports for the local servers, and a cheap "is anything listening" probe. */
public final class FreePorts {
    private static final int ATTEMPTS = 100;
    private static final int CONNECT_TIMEOUT_MILLIS = 200;

    // The OS may hand the same ephemeral port to two probes whose sockets are already closed; servers
    // started in parallel (two Ceph regions, Kafka beside them) would then race for it. Never reuse one.
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * A loopback port that was free a moment ago. There is a window between this probe and the
     * server's bind, so callers retry a start that fails with "address already in use".
     */
    public static int next() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port after " + ATTEMPTS + " probes");
    }

    /** Whether something accepts TCP connections on 127.0.0.1:port right now. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback socket to find a free port", e);
        }
    }
}
