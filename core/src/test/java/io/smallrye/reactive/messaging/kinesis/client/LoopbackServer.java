package io.smallrye.reactive.messaging.kinesis.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on a free loopback port for connection faults: {@link Mode#HANG} accepts connections and never
 * answers; {@link Mode#RESET} reads what comes first and resets the connection (RST), as a killed server or a proxy
 * dropping connections does; {@link Mode#ANSWER_THEN_RESET} answers the first HTTP/1.1 request with an empty 200 first.
 */
public final class LoopbackServer implements AutoCloseable {

    public enum Mode {
        HANG,
        ANSWER_THEN_RESET,
        RESET
    }

    private final ServerSocket server;
    private final Mode mode;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public LoopbackServer(Mode mode) {
        this.mode = mode;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "loopback-server-" + mode);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public int connections() {
        return accepted.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                if (mode == Mode.RESET) {
                    Thread reset = new Thread(() -> reset(socket), "loopback-reset");
                    reset.setDaemon(true);
                    reset.start();
                }
                if (mode == Mode.ANSWER_THEN_RESET) {
                    Thread answer = new Thread(() -> answerThenReset(socket), "loopback-answer");
                    answer.setDaemon(true);
                    answer.start();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads what comes first, then resets the connection. */
    private static void reset(Socket socket) {
        try {
            socket.getInputStream().read(new byte[1024]);
            Thread.sleep(100);
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static void answerThenReset(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            socket.setSoLinger(true, 0); // close with RST
            socket.close();
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }
}
