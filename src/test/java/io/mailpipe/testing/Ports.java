package io.mailpipe.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Local ports of the servers the tests start as their own processes. */
public final class Ports {

    private Ports() {
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
