package io.smallrye.reactive.messaging.kinesis.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;

/**
 * One client connection of the {@link FaultProxy} and its connection to the upstream emulator, with a thread per
 * direction: requests are read one at a time (HTTP/1.1, no pipelining), each passed on or faulted as the proxy's fault
 * of the moment says; answers are copied back as they come, slowed or cut when the request asked for it.
 */
final class ProxiedConnection {

    private final FaultProxy proxy;
    private final Socket client;
    private final Socket upstream;
    private final Object clientWrite = new Object();
    /** Set by the request thread before passing a request on; read by the answer thread. */
    private volatile long answerChunkDelayNanos;
    private volatile boolean resetInAnswer;
    private volatile boolean closed;

    ProxiedConnection(FaultProxy proxy, Socket client, Socket upstream) {
        this.proxy = proxy;
        this.client = client;
        this.upstream = upstream;
    }

    void start() {
        Thread requests = new Thread(this::requests, "fault-proxy-requests-" + client.getPort());
        Thread answers = new Thread(this::answers, "fault-proxy-answers-" + client.getPort());
        requests.setDaemon(true);
        answers.setDaemon(true);
        requests.start();
        answers.start();
    }

    private void requests() {
        try {
            InputStream in = client.getInputStream();
            OutputStream toUpstream = upstream.getOutputStream();
            while (!closed) {
                ProxiedRequest request = ProxiedRequest.read(in);
                if (request == null) {
                    break;
                }
                Fault fault = proxy.faultFor(request.amzTarget());
                Fault.Kind kind = fault == null ? null : fault.kind();
                if (kind == Fault.Kind.HANG) {
                    drainUntilClosed(in);
                    return;
                }
                if (kind == Fault.Kind.HTTP_500 || kind == Fault.Kind.HTTP_503 || kind == Fault.Kind.THROTTLE) {
                    synchronized (clientWrite) {
                        client.getOutputStream().write(AwsErrorAnswer.of(kind, request.contentType()));
                        client.getOutputStream().flush();
                    }
                    continue;
                }
                answerChunkDelayNanos = kind == Fault.Kind.SLOW ? fault.delay().toNanos() : 0;
                resetInAnswer = kind == Fault.Kind.RESET;
                toUpstream.write(request.raw());
                toUpstream.flush();
            }
        } catch (IOException | RuntimeException gone) {
            // the client, the upstream or the proxy closed the connection: nothing to pass on any more
        }
        close(false);
    }

    private void answers() {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = upstream.getInputStream();
            while (!closed) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                long delay = answerChunkDelayNanos;
                if (delay > 0) {
                    LockSupport.parkNanos(delay);
                }
                if (resetInAnswer) {
                    synchronized (clientWrite) {
                        client.getOutputStream().write(buffer, 0, Math.max(1, read / 2));
                        client.getOutputStream().flush();
                    }
                    close(true);
                    return;
                }
                synchronized (clientWrite) {
                    client.getOutputStream().write(buffer, 0, read);
                    client.getOutputStream().flush();
                }
            }
        } catch (IOException | RuntimeException gone) {
            // as above
        }
        close(false);
    }

    /** A hung request: keeps reading (and dropping) whatever the client sends until it gives up and closes. */
    private void drainUntilClosed(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (!closed && in.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException gone) {
            // closed
        }
        close(false);
    }

    /**
     * Closes both sockets; with {@code reset}, the client's with SO_LINGER 0, so that it sees a TCP reset (RST) rather
     * than an orderly end of stream.
     */
    void close(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        if (reset) {
            try {
                client.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closed meanwhile
            }
        }
        quietly(client);
        quietly(upstream);
        proxy.forget(this);
    }

    private static void quietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
