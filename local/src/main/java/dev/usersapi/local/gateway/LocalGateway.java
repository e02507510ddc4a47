package dev.usersapi.local.gateway;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.local.LocalContext;
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
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The local stand-in for API Gateway: an HTTP server on 127.0.0.1, the OpenAPI document's
 * routes, payload 2.0 events in and out. Like API Gateway it caps bodies at 10 MB (413 before
 * reading them) and answers a failed invocation with 500 {"message":"Internal Server Error"}.
 *
 * <p>Connections live on Netty's event loops and only complete requests reach the function's
 * threads, so clients that stall mid-request hold no thread; {@link ConnectionDeadlines} answers
 * them 408 and closes them.
 */
public final class LocalGateway implements AutoCloseable {
    private static final int FUNCTION_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    private static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /** The Date header: RFC 9110's IMF-fixdate, of one-second resolution. */
    private static final OncePerSecond HTTP_DATE = new OncePerSecond(second -> DateFormatter.format(new java.util.Date(second * 1000)));

    private final RouteTable routes;
    private final BiFunction<byte[], Context, byte[]> function;
    private final Optional<JwtAuthorizer> authorizer;
    private final Optional<LocalPages> pages;
    private final Optional<HttpApiCors> cors;
    private final GatewayLimits limits;
    private final int requestedPort;
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
            (java.util.concurrent.ThreadFactory) runnable -> daemon(runnable, "local-gateway-io"), NioIoHandler.newFactory());
    private final ExecutorService functionThreads = Executors.newFixedThreadPool(FUNCTION_THREADS,
            runnable -> daemon(runnable, "local-gateway"));
    private Optional<Channel> listener = Optional.empty();

    /**
     * {@code function} takes a payload 2.0 event as JSON and returns the handler's answer as JSON.
     * {@code pages}, when present, serves paths the API does not (the API reference at /docs).
     * {@code cors}, the stack's {@code users-api:api.cors}, lets browser origins in as the cloud's API does.
     */
    public LocalGateway(int port, List<ApiOperation> operations, BiFunction<byte[], Context, byte[]> function,
                        Optional<JwtAuthorizer> authorizer, GatewayLimits limits, Optional<LocalPages> pages,
                        Optional<CorsDeclaration> cors) {
        this.requestedPort = port;
        this.routes = new RouteTable(operations);
        this.function = function;
        this.authorizer = authorizer;
        this.limits = limits;
        this.pages = pages;
        this.cors = cors.map(HttpApiCors::new);
    }

    /** Binds the port on loopback; from here on it serves. */
    public void start() throws java.io.IOException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        Connection connection = new Connection();
                        ConnectionDeadlines deadlines = new ConnectionDeadlines(limits, () -> connection.timedOut(channel));
                        connection.deadlines = deadlines;
                        channel.pipeline().addLast(deadlines,
                                new HttpServerCodec(MAX_REQUEST_LINE_BYTES, limits.maxHeaderBytes(), 64 * 1024),
                                new BodyCap(limits.maxBodyBytes()),
                                connection);
                    }
                });
        try {
            listener = Optional.of(bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort)).sync().channel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while binding the gateway's port");
        } catch (Exception e) {
            throw new java.io.IOException("the local gateway cannot listen on 127.0.0.1:" + requestedPort + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return listener.map(channel -> ((InetSocketAddress) channel.localAddress()).getPort())
                .orElseThrow(() -> new IllegalStateException("the gateway has not started"));
    }

    /**
     * One connection's requests, answered in the order they came. Reading goes on while the
     * function works (pausing it would cost two system calls a request); a client that pipelines
     * more than a few requests is paused until they are answered.
     */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final int MAX_PIPELINED = 8;
        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean answering;
        private ConnectionDeadlines deadlines;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            deadlines.requestReceived();
            waiting.add(request.retain());
            if (waiting.size() >= MAX_PIPELINED) {
                ctx.channel().config().setAutoRead(false);
            }
            answerNext(ctx);
        }

        private void answerNext(ChannelHandlerContext ctx) {
            if (answering || waiting.isEmpty()) {
                return;
            }
            answering = true;
            FullHttpRequest request = waiting.poll();
            if (!request.decoderResult().isSuccess()) {
                request.release();
                write(ctx, refusal(request.decoderResult().cause()), false, false);
                return;
            }
            InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
            functionThreads.execute(() -> {
                HttpApiPayloads.Response response;
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                boolean head = request.method().equals(HttpMethod.HEAD);
                try {
                    response = answer(request, client);
                } finally {
                    request.release();
                }
                ctx.executor().execute(() -> write(ctx, response, keepAlive, head));
            });
        }

        private void write(ChannelHandlerContext ctx, HttpApiPayloads.Response response, boolean keepAlive, boolean head) {
            FullHttpResponse http = toHttp(response, head);
            HttpUtil.setKeepAlive(http, keepAlive);
            ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
                answering = false;
                if (!keepAlive || !written.isSuccess()) {
                    written.channel().close();
                    waiting.forEach(FullHttpRequest::release);
                    waiting.clear();
                    return;
                }
                if (!written.channel().config().isAutoRead()) {
                    written.channel().config().setAutoRead(true);
                }
                if (waiting.isEmpty()) {
                    deadlines.awaitNextRequest();
                } else {
                    answerNext(ctx);
                }
            });
        }

        /** The request did not arrive in time: 408 and close, whatever the client sends next. */
        void timedOut(Channel channel) {
            Problem problem = new Problem(408, "request-timeout", "Request Timeout",
                    "the request's line, headers and body did not all arrive within " + limits.requestTimeout().toMillis() + " ms");
            channel.config().setAutoRead(false);
            channel.writeAndFlush(toHttp(problem.response(), false)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset connection or a failed read: there is nobody to answer.
            ctx.close();
        }
    }

    /** A request the HTTP decoder could not read: the limit it broke, or what is malformed. */
    private static HttpApiPayloads.Response refusal(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return message(414, "Request-URI Too Long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return message(431, "Request Header Fields Too Large");
        }
        return message(400, "Bad Request");
    }

    /** API Gateway's own answers, which it gives as {"message": ...}. */
    private static HttpApiPayloads.Response message(int status, String text) {
        return new HttpApiPayloads.Response(status, Map.of("content-type", "application/json"), List.of(),
                ("{\"message\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Caps bodies as API Gateway does, answering 413 from the Content-Length, before the body is read. */
    private static final class BodyCap extends HttpObjectAggregator {
        BodyCap(int maxBodyBytes) {
            super(maxBodyBytes, true);
        }

        /** A client that asks before sending (Expect: 100-continue) gets the same 413, not Netty's empty one. */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, io.netty.channel.ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (answer instanceof FullHttpResponse refusal && refusal.status().code() == 413) {
                refusal.release();
                FullHttpResponse tooLarge = toHttp(message(413, "Request Entity Too Large"), false);
                HttpUtil.setKeepAlive(tooLarge, false);
                return tooLarge;
            }
            return answer;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(toHttp(message(413, "Request Entity Too Large"), false)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private HttpApiPayloads.Response answer(FullHttpRequest http, InetSocketAddress client) {
        String requestId = RequestIds.apiGateway();
        String host = http.headers().get(HttpHeaderNames.HOST, "");
        if (!LoopbackHosts.admits(host, port())) {
            return withRequestId(new Problem(421, "misdirected-request", "Misdirected Request",
                    "this local server answers only requests for 127.0.0.1:" + port() + " or localhost:" + port()
                            + (host.isEmpty() ? ", and this one names no Host" : ", not " + LoopbackHosts.shown(host))
                            + "; a page on another site that reached it through DNS rebinding is refused").response(), requestId);
        }
        URI target;
        try {
            target = new URI(http.uri());
        } catch (URISyntaxException e) {
            return withRequestId(message(400, "Bad Request"), requestId);
        }
        String rawPath = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String rawQuery = target.getRawQuery() == null ? "" : target.getRawQuery();
        String method = http.method().name();
        byte[] body = body(http);
        Map<String, List<String>> headers = headers(http);
        if (authorizer.isPresent() && rawPath.equals(TokenEndpoint.PATH)) {
            return withRequestId(new TokenEndpoint(authorizer.get()).answer(method, headers, body), requestId);
        }
        Optional<LocalPages.Page> page = pages.flatMap(served -> served.page(method, rawPath));
        if (page.isPresent()) {
            return withRequestId(new HttpApiPayloads.Response(page.get().status(), Map.of("content-type", page.get().contentType()),
                    List.of(), page.get().body()), requestId);
        }
        // Only a stack with CORS reads the Origin: the others' requests pay nothing for it.
        Optional<String> origin = cors.isPresent() ? Optional.ofNullable(http.headers().get(HttpHeaderNames.ORIGIN)) : Optional.empty();
        boolean preflight = cors.isPresent()
                && HttpApiCors.isPreflight(method, origin, Optional.ofNullable(http.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)));
        Optional<RouteTable.Selected> preflightRoute = cors.isPresent() && method.equals("OPTIONS")
                ? HttpApiCors.preflightRoute(rawPath) : Optional.empty();
        var route = preflightRoute.orElseGet(() -> routes.select(method, HttpApiPayloads.pathSegments(rawPath)));
        Optional<Map<String, String>> claims = Optional.empty();
        if (authorizer.isPresent() && preflightRoute.isEmpty()) {
            var decision = authorizer.get().authorize(Optional.ofNullable(http.headers().get(HttpHeaderNames.AUTHORIZATION)), route.scopes());
            if (decision instanceof JwtAuthorizer.Decision.Unauthorized unauthorized) {
                return withRequestId(new HttpApiPayloads.Response(401, Map.of("content-type", "application/json",
                        "www-authenticate", "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + unauthorized.reason() + "\""),
                        List.of(), "{\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8)), requestId);
            }
            if (decision instanceof JwtAuthorizer.Decision.Forbidden) {
                return withRequestId(message(403, "Forbidden"), requestId);
            }
            claims = Optional.of(((JwtAuthorizer.Decision.Authorized) decision).claims());
        }
        var request = new HttpApiPayloads.Request(method, rawPath, rawQuery, headers, body,
                client.getAddress().getHostAddress(), http.protocolVersion().text());
        try {
            byte[] event = HttpApiPayloads.event(request, route, requestId, Instant.now(), port(), claims);
            HttpApiPayloads.Response answered = HttpApiPayloads.response(function.apply(event, new LocalContext(RequestIds.lambda(), "users-api")));
            return withRequestId(cors.isPresent() ? cors.get().apply(answered, origin, preflight) : answered, requestId);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("local gateway: the function failed for request " + requestId + ": " + e);
            e.printStackTrace();
            return withRequestId(message(500, "Internal Server Error"), requestId);
        }
    }

    private static byte[] body(FullHttpRequest http) {
        int length = http.content().readableBytes();
        if (length == 0) {
            return EMPTY;
        }
        byte[] body = new byte[length];
        http.content().getBytes(http.content().readerIndex(), body);
        return body;
    }

    private static Map<String, List<String>> headers(FullHttpRequest http) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        http.headers().forEach(header -> headers.computeIfAbsent(header.getKey().toLowerCase(java.util.Locale.ROOT), name -> new ArrayList<>(1)).add(header.getValue()));
        return headers;
    }

    private static HttpApiPayloads.Response withRequestId(HttpApiPayloads.Response response, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("apigw-requestid", requestId);
        return new HttpApiPayloads.Response(response.status(), headers, response.cookies(), response.body());
    }

    private static FullHttpResponse toHttp(HttpApiPayloads.Response response, boolean head) {
        boolean noBody = response.status() == 204 || response.status() == 304;
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                noBody || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        response.headers().forEach(http.headers()::add);
        response.cookies().forEach(cookie -> http.headers().add(HttpHeaderNames.SET_COOKIE, cookie));
        http.headers().set(HttpHeaderNames.DATE, HTTP_DATE.at(Math.floorDiv(System.currentTimeMillis(), 1000)));
        if (noBody) {
            http.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            http.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        return http;
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        listener.ifPresent(Channel::close);
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        functionThreads.shutdownNow();
    }

    /** An RFC 9457 problem the gateway itself answers, where API Gateway has no answer of its own to copy. */
    private record Problem(int status, String slug, String title, String detail) {
        HttpApiPayloads.Response response() {
            ObjectNode json = HttpApiPayloads.JSON.createObjectNode();
            json.put("type", "urn:users-api:problem:" + slug).put("title", title).put("status", status).put("detail", detail);
            return new HttpApiPayloads.Response(status, Map.of("content-type", "application/problem+json", "connection",
                    HttpHeaderValues.CLOSE.toString()), List.of(), json.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
