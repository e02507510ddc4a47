package dev.usersapi.local.gateway;

import com.amazonaws.services.lambda.runtime.Context;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.local.LocalContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The local stand-in for API Gateway: the JDK's HTTP server on 127.0.0.1, the OpenAPI document's
 * routes, payload 2.0 events in and out. Like API Gateway it caps bodies at 10 MB and answers a
 * failed invocation with 500 {"message":"Internal Server Error"}.
 */
public final class LocalGateway implements AutoCloseable {
    private static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

    static {
        // The JDK's server leaves Nagle's algorithm on: with delayed ACKs every small answer
        // then waits about 40 ms. Measured: 151 requests per second without this, see bench/.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final RouteTable routes;
    private final BiFunction<String, Context, String> function;
    private final java.util.Optional<JwtAuthorizer> authorizer;

    /** {@code function} takes a payload 2.0 event as JSON and returns the handler's answer as JSON. */
    public LocalGateway(int port, List<ApiOperation> operations, BiFunction<String, Context, String> function,
                        java.util.Optional<JwtAuthorizer> authorizer) throws IOException {
        this.routes = new RouteTable(operations);
        this.function = function;
        this.authorizer = authorizer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.workers = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "local-gateway");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::serve);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
            }
            if (body.length > MAX_PAYLOAD_BYTES) {
                send(exchange, requestId, new HttpApiPayloads.Response(413, Map.of("content-type", "application/json"), List.of(),
                        "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8)));
                return;
            }
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            var request = new HttpApiPayloads.Request(exchange.getRequestMethod(), rawPath, rawQuery,
                    exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getAddress().getHostAddress(),
                    exchange.getProtocol());
            var route = routes.select(request.method(), HttpApiPayloads.pathSegments(rawPath));
            var payload = HttpApiPayloads.event(request, route, requestId, Instant.now(), port());
            if (authorizer.isPresent()) {
                var claims = authorizer.get().authorize(java.util.Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
                if (claims.isEmpty()) {
                    send(exchange, requestId, new HttpApiPayloads.Response(401, Map.of("content-type", "application/json",
                            "www-authenticate", "Bearer"), List.of(), "{\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                var jwt = ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("requestContext"))
                        .putObject("authorizer").putObject("jwt");
                var claimNodes = jwt.putObject("claims");
                claims.get().forEach(claimNodes::put);
                jwt.putNull("scopes");
            }
            String event = HttpApiPayloads.JSON.writeValueAsString(payload);
            HttpApiPayloads.Response response;
            try {
                response = HttpApiPayloads.response(function.apply(event, new LocalContext(requestId, "users-api")));
            } catch (RuntimeException e) {
                System.err.println("local gateway: the function failed for request " + requestId + ": " + e);
                e.printStackTrace();
                response = new HttpApiPayloads.Response(500, Map.of("content-type", "application/json"), List.of(),
                        "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
            }
            send(exchange, requestId, response);
        }
    }

    private static void send(HttpExchange exchange, String requestId, HttpApiPayloads.Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        response.headers().forEach(headers::add);
        response.cookies().forEach(cookie -> headers.add("Set-Cookie", cookie));
        headers.set("Apigw-Requestid", requestId);
        boolean noBody = response.body().length == 0 || response.status() == 204 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
