package io.smallrye.reactive.messaging.kinesis.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * The TCP connections of the Netty HTTP clients the connector builds on Vert.x's event loops.
 * <p>
 * Closing an SDK client closes only its idle pooled connections: a request still under way at shutdown (an answer
 * that never comes, an HTTP/2 stream the server stalls) keeps its connection open, and closing the pool then waits for
 * it (HTTP/2: "Unable to close channel pools ... TimeoutException" after 5 s), or the connection is only closed when
 * Vert.x stops its event loops, whose listeners then fail ("Failed to submit a listener notification task"). So the
 * connector keeps every connection in a group and closes them all, on the live event loops, before it closes the SDK
 * clients: requests still under way then fail at once and the pools close in milliseconds.
 * <p>
 * The connections are also where Netty reports an exception no handler consumed ("exceptionCaught() ... reached at the
 * tail of the pipeline", a WARN): on an HTTP/2 connection (the SDK's default for Kinesis over https) the SDK's handlers
 * pass a connection reset (the server killed, a proxy dropping connections) on to the tail after they failed the
 * streams of that connection and released it; its HTTP/1.1 connections have a handler of their own for that. The
 * failure is reported through the requests concerned, and the pool drops the closed connection, so the exception
 * tells nothing more: it is logged at DEBUG, for these connections only (no logger category is silenced).
 */
public final class ClientConnections {

    private final ChannelGroup connections = new DefaultChannelGroup("smallrye-kinesis-clients",
            GlobalEventExecutor.INSTANCE);

    /**
     * The event loop group of an SDK Netty client on this event loop group (Vert.x's): connections are tracked here
     * and have the quiet pipeline. A group of another transport (epoll, kqueue) gets the SDK's channels, untracked.
     */
    public SdkEventLoopGroup on(EventLoopGroup eventLoops) {
        if (eventLoops instanceof NioEventLoopGroup) {
            return SdkEventLoopGroup.create(eventLoops, () -> track(new TrackedSocketChannel()));
        }
        return SdkEventLoopGroup.create(eventLoops);
    }

    private <C extends Channel> C track(C channel) {
        connections.add(channel);
        return channel;
    }

    /** The connections open now. */
    public int open() {
        return connections.size();
    }

    /**
     * Closes every open connection and waits (a little) until they are closed. A connection is closed from the head of
     * its pipeline: the SDK's HTTP/1.1 handler defers a close requested through the pipeline until its request is
     * answered, which is what must not be waited for here.
     */
    public void closeAll() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel connection : connections) {
            ChannelHandlerContext first = connection.pipeline().firstContext();
            closing.add(first == null ? connection.close() : first.close());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int open = 0;
        for (ChannelFuture closed : closing) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!closed.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                open++;
            }
        }
        if (open > 0) {
            KinesisLogging.log.connectionsNotClosed(open);
        }
    }

    /** A NIO socket channel whose pipeline logs unconsumed exceptions at DEBUG instead of WARN. */
    private static final class TrackedSocketChannel extends NioSocketChannel {
        @Override
        protected DefaultChannelPipeline newChannelPipeline() {
            return new QuietPipeline(this);
        }
    }

    private static final class QuietPipeline extends DefaultChannelPipeline {
        QuietPipeline(Channel channel) {
            super(channel);
        }

        @Override
        protected void onUnhandledInboundException(Throwable cause) {
            try {
                KinesisLogging.log.unconsumedConnectionException(channel().toString(), String.valueOf(cause));
            } finally {
                ReferenceCountUtil.release(cause);
            }
        }
    }
}
