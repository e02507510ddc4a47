package dev.usersapi.local.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a connection. While a request is arriving, it must be complete within the
 * request timeout, or the client gets 408 and the connection closes: a client that sends half a
 * request and waits holds nothing for long. Between requests, a kept-alive connection may idle for
 * the idle timeout, then it is closed. Sits before the HTTP codec, so it sees every byte read.
 * Every method runs on the connection's event loop.
 */
final class ConnectionDeadlines extends ChannelInboundHandlerAdapter {
    private enum State { IDLE, RECEIVING, HANDLING }

    private final GatewayLimits limits;
    private final Runnable onRequestTimeout;
    private State state = State.IDLE;
    private Optional<ScheduledFuture<?>> timer = Optional.empty();
    private ChannelHandlerContext context;

    /** {@code onRequestTimeout} answers 408 and closes; it runs on the event loop. */
    ConnectionDeadlines(GatewayLimits limits, Runnable onRequestTimeout) {
        this.limits = limits;
        this.onRequestTimeout = onRequestTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        awaitNextRequest();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE) {
            state = State.RECEIVING;
            schedule(limits.requestTimeout(), () -> {
                if (state == State.RECEIVING) {
                    onRequestTimeout.run();
                }
            });
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** The whole request has arrived: its clock stops while the function answers. */
    void requestReceived() {
        state = State.HANDLING;
        cancel();
    }

    /** The answer is written and the connection stays open: the idle clock starts. */
    void awaitNextRequest() {
        state = State.IDLE;
        schedule(limits.idleTimeout(), () -> {
            if (state == State.IDLE) {
                context.close();
            }
        });
    }

    private void schedule(Duration delay, Runnable action) {
        cancel();
        timer = Optional.of(context.executor().schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void cancel() {
        timer.ifPresent(future -> future.cancel(false));
        timer = Optional.empty();
    }
}
