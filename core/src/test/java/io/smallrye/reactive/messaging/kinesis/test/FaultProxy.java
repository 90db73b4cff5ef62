package io.smallrye.reactive.messaging.kinesis.test;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * A loopback TCP proxy in front of an emulator (kinesis-mock, dynalite), on a port of its own that stays the same
 * while faults are switched at run time:
 * <ul>
 * <li>{@link #pass()}: requests and answers pass unchanged;</li>
 * <li>{@link #refuse()}: nothing listens on the port (connection refused) and open connections are reset;</li>
 * <li>{@link #inject(Fault)}: HTTP requests matching the fault (operation, first N) are hung, slowed, cut by a reset
 * mid-answer, or answered by the proxy with HTTP 500, 503 or a throttling error (see {@link Fault});
 * the others pass.</li>
 * </ul>
 * Clients must speak HTTP/1.1 to it (the connector does for plain {@code http://} endpoints). Each connection gets two
 * threads of its own; {@link #close()} stops everything within a few seconds.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FaultProxy.class);

    private final InetSocketAddress upstream;
    private final int port;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong faulted = new AtomicLong();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private ServerSocket listener;
    private Thread acceptor;
    private volatile Fault fault;
    private final AtomicInteger faultBudget = new AtomicInteger();
    private volatile boolean closed;

    private FaultProxy(URI upstream) {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAccepting();
    }

    /** Starts a proxy to this {@code http://host:port} endpoint, passing everything. */
    public static FaultProxy start(URI upstream) {
        return new FaultProxy(upstream);
    }

    /** {@code http://127.0.0.1:<port>}, the same whatever the fault. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Everything passes again (listening again after {@link #refuse()}). */
    public synchronized void pass() {
        fault = null;
        listen();
        LOG.infof("FaultProxy :%d passes", port);
    }

    /** Nothing listens any more: new connections are refused, open ones are reset. */
    public synchronized void refuse() {
        fault = null;
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
            join(acceptor);
        }
        connections.forEach(connection -> connection.close(true));
        LOG.infof("FaultProxy :%d refuses connections", port);
    }

    /** From now on, requests this fault applies to get it (up to its count); the others pass. */
    public synchronized void inject(Fault newFault) {
        faultBudget.set(newFault.count());
        fault = newFault;
        listen();
        LOG.infof("FaultProxy :%d injects %s", port, newFault);
    }

    /** Requests read so far (faulted or not); refused connections send none. */
    public long requests() {
        return requests.get();
    }

    /** Requests a fault was applied to so far. */
    public long faulted() {
        return faulted.get();
    }

    public long connectionsAccepted() {
        return connectionsAccepted.get();
    }

    /** The fault for the next request with this {@code X-Amz-Target}, {@code null} to pass it; counts it. */
    Fault faultFor(String amzTarget) {
        requests.incrementAndGet();
        Fault current = fault;
        if (current == null || !current.appliesTo(amzTarget)) {
            return null;
        }
        if (current.count() > 0 && faultBudget.getAndDecrement() <= 0) {
            return null;
        }
        faulted.incrementAndGet();
        return current;
    }

    void forget(ProxiedConnection connection) {
        connections.remove(connection);
    }

    @Override
    public void close() {
        Thread accepting;
        synchronized (this) {
            closed = true;
            if (listener != null) {
                closeQuietly(listener);
                listener = null;
            }
            accepting = acceptor;
        }
        join(accepting);
        connections.forEach(connection -> connection.close(true));
    }

    private void listen() {
        if (closed) {
            throw new IllegalStateException("FaultProxy :" + port + " is closed");
        }
        if (listener == null) {
            listener = bind(port);
            startAccepting();
        }
    }

    private void startAccepting() {
        ServerSocket socket = listener;
        acceptor = new Thread(() -> accept(socket), "fault-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closedOrFailed) {
                return;
            }
            connectionsAccepted.incrementAndGet();
            try {
                client.setTcpNoDelay(true);
                Socket toUpstream = new Socket();
                toUpstream.setTcpNoDelay(true);
                toUpstream.connect(upstream, 2000);
                ProxiedConnection connection = new ProxiedConnection(this, client, toUpstream);
                connections.add(connection);
                connection.start();
            } catch (IOException upstreamDown) {
                // the emulator is down: the client sees its connection reset, as if nothing were there
                try {
                    client.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // closed meanwhile
                }
                closeQuietly(client);
            }
        }
    }

    private static ServerSocket bind(int port) {
        // the same port again after refuse(): SO_REUSEADDR, and a few tries while the old socket is released
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return socket;
            } catch (IOException e) {
                last = e;
                sleep(Duration.ofMillis(100));
            }
        }
        throw new UncheckedIOException("FaultProxy cannot listen on port " + port, last);
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
