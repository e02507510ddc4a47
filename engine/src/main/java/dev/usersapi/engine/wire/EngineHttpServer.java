package dev.usersapi.engine.wire;

import dev.usersapi.engine.api.DynamoDbEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The engine's HTTP listener: DynamoDB's JSON protocol for the AWS CLI, NoSQL Workbench and
 * other processes. It binds the address it is given (loopback unless asked otherwise); requests
 * are answered on worker threads, so a slow disk never stalls the event loop.
 */
public final class EngineHttpServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1,
            (java.util.concurrent.ThreadFactory) runnable -> daemon(runnable, "engine-http-io"), NioIoHandler.newFactory());
    private final ExecutorService workers = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            runnable -> daemon(runnable, "engine-http"));
    private final Channel listener;

    private EngineHttpServer(DynamoDbEngine engine, InetSocketAddress address) throws InterruptedException {
        this.listener = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), new Answering(engine));
                    }
                }).bind(address).sync().channel();
    }

    /** Listens on {@code port} of the loopback address; 0 picks a free port. */
    public static EngineHttpServer onLoopback(DynamoDbEngine engine, int port) throws InterruptedException {
        return new EngineHttpServer(engine, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public static EngineHttpServer on(DynamoDbEngine engine, InetSocketAddress address) throws InterruptedException {
        return new EngineHttpServer(engine, address);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public java.net.URI endpoint() {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        return java.net.URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    private final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final DynamoDbEngine engine;

        Answering(DynamoDbEngine engine) {
            this.engine = engine;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = new byte[request.content().readableBytes()];
            request.content().getBytes(request.content().readerIndex(), body);
            String target = request.headers().get("X-Amz-Target", "");
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            workers.execute(() -> {
                DynamoDbEngine.Answer answer = engine.handle(target, body);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()),
                        Unpooled.wrappedBuffer(answer.body()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-amz-json-1.0")
                        .set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                        .set("x-amz-crc32", Long.toString(answer.crc32()))
                        .set("x-amzn-RequestId", UUID.randomUUID().toString());
                HttpUtil.setKeepAlive(response, keepAlive);
                var written = ctx.writeAndFlush(response);
                if (!keepAlive) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownNow();
    }
}
