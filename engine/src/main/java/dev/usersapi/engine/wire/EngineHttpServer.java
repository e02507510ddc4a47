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
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.zip.CRC32;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The engine's HTTP listener: DynamoDB's JSON protocol for the AWS CLI, NoSQL Workbench and
 * other processes. It binds the address it is given (loopback unless asked otherwise); requests
 * are answered on worker threads, so a slow disk never stalls the event loop.
 *
 * <p>It answers as DynamoDB's endpoint does on the wire: {@code GET /} is a health check, other
 * methods and content types are {@code 404 <UnknownOperationException/>}, request bodies may be
 * gzip- or deflate-encoded, a response is compressed when {@code Accept-Encoding} asks (its
 * {@code x-amz-crc32} then covers the bytes sent), every answer has {@code Date}, {@code Server},
 * {@code x-amzn-RequestId} and {@code x-amz-crc32}, and browsers get CORS headers.
 *
 * <p>Only requests naming an allowed {@code Host} are answered ({@link AllowedHosts}): a web page
 * that reaches the port through DNS rebinding names its own host, and is refused.
 */
public final class EngineHttpServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    private static final byte[] NOT_FOUND = "<UnknownOperationException/>\n".getBytes(StandardCharsets.UTF_8);
    private static final char[] ID_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1,
            (java.util.concurrent.ThreadFactory) runnable -> daemon(runnable, "engine-http-io"), NioIoHandler.newFactory());
    private final ExecutorService workers = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            runnable -> daemon(runnable, "engine-http"));
    private final Channel listener;
    private final AllowedHosts hosts;

    private EngineHttpServer(DynamoDbEngine engine, InetSocketAddress address, java.util.Set<String> extraHosts) throws InterruptedException {
        this.listener = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpContentDecompressor(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), new Answering(engine));
                    }
                }).bind(address).sync().channel();
        this.hosts = new AllowedHosts(extraHosts, port());
    }

    /** Listens on {@code port} of the loopback address; 0 picks a free port. Answers Host 127.0.0.1, localhost, [::1]. */
    public static EngineHttpServer onLoopback(DynamoDbEngine engine, int port) throws InterruptedException {
        return new EngineHttpServer(engine, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), java.util.Set.of());
    }

    /** Listens on {@code address}, answering the loopback names only. */
    public static EngineHttpServer on(DynamoDbEngine engine, InetSocketAddress address) throws InterruptedException {
        return new EngineHttpServer(engine, address, java.util.Set.of());
    }

    /**
     * Listens on {@code address}, answering the loopback names and {@code allowedHosts} too (host
     * names, or {@code name:port}; for a user who binds another address and reaches it by name).
     */
    public static EngineHttpServer on(DynamoDbEngine engine, InetSocketAddress address, java.util.Set<String> allowedHosts) throws InterruptedException {
        return new EngineHttpServer(engine, address, allowedHosts);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public java.net.URI endpoint() {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        return java.net.URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /** DynamoDB's request ids: 52 characters of digits and capitals. */
    static String requestId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        char[] id = new char[52];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARACTERS[random.nextInt(ID_CHARACTERS.length)];
        }
        return new String(id);
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
            HttpHeaders headers = request.headers();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpMethod method = request.method();
            String host = headers.get(HttpHeaderNames.HOST, "");
            String origin = headers.get(HttpHeaderNames.ORIGIN);
            if (!hosts.admits(host)) {
                send(ctx, keepAlive, 421, "application/x-amz-json-1.0", hosts.refusal(host), origin, "");
                return;
            }
            if (method.equals(HttpMethod.GET)) {
                // DynamoDB answers a GET with its health check, as load balancers and SDK probes expect.
                send(ctx, keepAlive, 200, "text/plain", "healthy: dynamodb.us-east-1.amazonaws.com ".getBytes(StandardCharsets.UTF_8), origin, "");
                return;
            }
            if (method.equals(HttpMethod.OPTIONS) && origin != null) {
                FullHttpResponse preflight = response(200, "text/plain", new byte[0], origin, "");
                preflight.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "172800");
                Optional.ofNullable(headers.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS))
                        .ifPresent(asked -> preflight.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked));
                Optional.ofNullable(headers.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD))
                        .ifPresent(asked -> preflight.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, asked));
                write(ctx, keepAlive, preflight);
                return;
            }
            String given = headers.get(HttpHeaderNames.CONTENT_TYPE, "").split(";")[0].strip();
            boolean json = given.equals("application/json") || given.equals("application/x-amz-json-1.0");
            // A POST with no body is read as JSON whatever its type; one with a body of another type is no DynamoDB request.
            String contentType = json ? given : "application/json";
            if (!method.equals(HttpMethod.POST) || !json && body.length > 0) {
                send(ctx, keepAlive, 404, "text/plain", NOT_FOUND, origin, "");
                return;
            }
            String target = headers.get("X-Amz-Target", "");
            String acceptEncoding = headers.get(HttpHeaderNames.ACCEPT_ENCODING, "");
            workers.execute(() -> {
                DynamoDbEngine.Answer answer = target.equals(DynamoDbEngine.TARGET_PREFIX + "DescribeEndpoints")
                        ? describeEndpoints(host) : engine.handle(target, body);
                send(ctx, keepAlive, answer.status(), contentType, answer.body(), origin, acceptEncoding);
            });
        }

        /** DescribeEndpoints names this endpoint, as the caller reached it: never DynamoDB's own. */
        private DynamoDbEngine.Answer describeEndpoints(String host) {
            String json = "{\"Endpoints\":[{\"Address\":\"" + host.replace("\"", "") + "\",\"CachePeriodInMinutes\":1440}]}";
            return new DynamoDbEngine.Answer(200, json.getBytes(StandardCharsets.UTF_8));
        }

        private void send(ChannelHandlerContext ctx, boolean keepAlive, int status, String contentType, byte[] body, String origin, String acceptEncoding) {
            write(ctx, keepAlive, response(status, contentType, body, origin, acceptEncoding));
        }

        private FullHttpResponse response(int status, String contentType, byte[] body, String origin, String acceptEncoding) {
            String encoding = body.length == 0 ? "" : acceptEncoding.contains("gzip") ? "gzip" : acceptEncoding.contains("deflate") ? "deflate" : "";
            byte[] sent = encoding.isEmpty() ? body : compressed(body, encoding);
            CRC32 crc = new CRC32();
            crc.update(sent);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(sent));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CONTENT_LENGTH, sent.length)
                    .set("x-amz-crc32", Long.toString(crc.getValue()))
                    .set("x-amzn-RequestId", requestId())
                    .set(HttpHeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                    .set(HttpHeaderNames.SERVER, "Server");
            if (!encoding.isEmpty()) {
                response.headers().set(HttpHeaderNames.CONTENT_ENCODING, encoding);
            }
            if (origin != null) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            }
            return response;
        }

        private void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static byte[] compressed(byte[] body, String encoding) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 4 + 64);
        try (java.io.OutputStream compressing = encoding.equals("gzip") ? new java.util.zip.GZIPOutputStream(out)
                : new java.util.zip.DeflaterOutputStream(out)) {
            compressing.write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
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
