package io.mailpipe.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Local ports of the servers the tests start as their own processes. */
public final class Ports {

    /** Below Linux's default ephemeral range (32768-60999) and above the fixed ports the tests use. */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    /**
     * A loopback port that is free now, outside the kernel's ephemeral range and not handed out before in this JVM:
     * for a server started as another process a while later. A port from {@code new ServerSocket(0)} is from the
     * ephemeral range, and in the seconds before that process binds it, the kernel may give the same port to an
     * outgoing connection or another {@code ServerSocket(0)} of this JVM; a port from here it never gives out on its own.
     */
    public static synchronized int pick() {
        for (int tries = 0; tries < 1000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                GIVEN.add(port);
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOW + " and " + HIGH);
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port} (tried for at most 200 ms). */
    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
