package dev.usersapi.client.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.usersapi.client.LocalStacks;
import dev.usersapi.local.LocalStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The smoke check against the local stack the client's tests share, open (dev) and behind its JWT
 * authorizer (prod); and behind a proxy that answers some requests itself, as a throttled or
 * still-warming deployed API would, with the check's waits on a virtual clock.
 */
@ExtendWith(LocalStacks.class)
class SmokeCheckTest {
    private static final List<String> OPEN_STEPS = List.of("reach the API", "create with Idempotency-Key",
            "retry answered from the Idempotency-Key", "read", "change with If-Match", "stale If-Match refused with 412",
            "delete with If-Match", "read after delete is 404");
    private static final List<String> TOKEN_STEPS = List.of("reach the API", "create with Idempotency-Key",
            "retry answered from the Idempotency-Key", "read", "listing refused without users/admin",
            "email search refused without users/admin", "change with If-Match", "stale If-Match refused with 412",
            "delete with If-Match", "read after delete is 404");

    @Test
    void passesEveryStepAgainstTheOpenDevStack(LocalStack dev) {
        SmokeCheck.Report report = new SmokeCheck(SmokeCheck.Target.open(dev.baseUrl()), SmokeCheck.Patience.immediate()).run();
        assertEquals(OPEN_STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
    }

    /** A token from the local prod stack's token endpoint, by client credentials, as the program gets one from Cognito. */
    private static String token(LocalStack prod, List<String> scopes) {
        var jwt = prod.authorizer().orElseThrow();
        return ClientCredentials.accessToken(prod.baseUrl().resolve("/oauth2/token"), jwt.clientId(), jwt.clientSecret(), scopes);
    }

    @Test
    void passesEveryStepAgainstTheProdStackWithATokenOfItsOwnScopesOnly(@LocalStacks.Prod LocalStack prod) {
        assertEquals(List.of("users/read", "users/write"), SmokeCheck.SCOPES);
        SmokeCheck.Target target = SmokeCheck.Target.withToken(prod.baseUrl(), token(prod, SmokeCheck.SCOPES));
        SmokeCheck.Report report = new SmokeCheck(target, SmokeCheck.Patience.immediate()).run();
        assertEquals(TOKEN_STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
        assertEquals("403 from the authorizer", report.steps().get(4).saw());
    }

    @Test
    void aTokenWithUsersAdminFailsTheCheckAtTheListingItMustNotSee(@LocalStacks.Prod LocalStack prod) throws Exception {
        try (Proxy proxy = Proxy.forwarding(prod.baseUrl())) {
            SmokeCheck.Target target = SmokeCheck.Target.withToken(proxy.url(), token(prod, List.of("users/admin")));
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, () -> new SmokeCheck(target, SmokeCheck.Patience.immediate()).run());
            assertEquals("listing refused without users/admin", failure.step(), failure.getMessage());
            assertTrue(failure.getMessage().contains("users/read users/write only"), failure.getMessage());
            assertEquals(Set.of(), proxy.canaries(target), "the canary is deleted when a later step fails");
        }
    }

    @Test
    void aListingRefusedByTheFunctionRatherThanTheAuthorizerFailsTheCheck(@LocalStacks.Prod LocalStack prod) throws Exception {
        // The route lets the token through, and the function's own ownership rule refuses it: the authorizer enforces no scope.
        try (Proxy proxy = Proxy.answering(prod.baseUrl(), exchange -> exchange.getRequestURI().getPath().equals("/users")
                && exchange.getRequestMethod().equals("GET")
                ? Optional.of(new Proxy.Answer(403, "application/problem+json", Map.of(),
                        "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403}"))
                : Optional.empty())) {
            SmokeCheck.Target target = SmokeCheck.Target.withToken(proxy.url(), token(prod, SmokeCheck.SCOPES));
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, () -> new SmokeCheck(target, SmokeCheck.Patience.immediate()).run());
            assertEquals("listing refused without users/admin", failure.step(), failure.getMessage());
            assertTrue(failure.getMessage().contains("not the authorizer"), failure.getMessage());
        }
    }

    @Test
    void failsAtTheFirstStepWhenProdRefusesItForWantOfAToken(@LocalStacks.Prod LocalStack prod) {
        SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class,
                () -> new SmokeCheck(SmokeCheck.Target.open(prod.baseUrl()), SmokeCheck.Patience.immediate()).run());
        assertEquals("reach the API", failure.step());
        assertTrue(failure.getMessage().contains("401"), failure.getMessage());
    }

    @Test
    void failsAnApiThatIgnoresAStaleIfMatchAndLeavesNoCanaryBehind(LocalStack dev) throws Exception {
        // The dev stack behind a proxy that answers a PATCH as if If-Match were not checked.
        try (Proxy proxy = new Proxy(dev.baseUrl(), exchange -> exchange.getRequestMethod().equals("PATCH")
                && exchange.getRequestHeaders().getFirst("If-Match") != null, exchange -> Optional.empty())) {
            SmokeCheck check = new SmokeCheck(SmokeCheck.Target.open(proxy.url()), SmokeCheck.Patience.immediate());
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, check::run);
            assertEquals("stale If-Match refused with 412", failure.step(), failure.getMessage());
            assertEquals(Set.of(), proxy.canaries(SmokeCheck.Target.open(proxy.url())), "the canary is deleted when a later step fails");
        }
    }

    /** API Gateway's answer to a request over a route's throttle ("Throttle requests to your HTTP APIs"): 429, its own JSON. */
    private static Proxy.Answer throttled(Map<String, String> headers) {
        return new Proxy.Answer(429, "application/json", headers, "{\"message\":\"Too Many Requests\"}");
    }

    @Test
    void aThrottledStepIsAskedAgainAfterItsRetryAfterAndTheUpdatePasses(LocalStack dev) throws Exception {
        AtomicInteger patches = new AtomicInteger();
        try (Proxy proxy = Proxy.answering(dev.baseUrl(), exchange -> exchange.getRequestMethod().equals("PATCH")
                && patches.incrementAndGet() <= 2 ? Optional.of(throttled(Map.of("Retry-After", "2"))) : Optional.empty())) {
            VirtualTime time = new VirtualTime();
            SmokeCheck.Report report = new SmokeCheck(SmokeCheck.Target.open(proxy.url()), SmokeCheck.Patience.deployed(), time, time).run();
            assertEquals(OPEN_STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
            assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), time.slept, "waited as each Retry-After said");
            assertEquals(4, patches.get(), "the change asked three times, then the stale change once");
        }
    }

    @Test
    void aStepThrottledPastItsBudgetFailsAndLeavesNoCanaryBehind(LocalStack dev) throws Exception {
        // No Retry-After (API Gateway's throttle names none): a doubling pause, capped, within the step's budget.
        try (Proxy proxy = Proxy.answering(dev.baseUrl(), exchange -> exchange.getRequestMethod().equals("PATCH")
                ? Optional.of(throttled(Map.of())) : Optional.empty())) {
            VirtualTime time = new VirtualTime();
            SmokeCheck.Patience patience = SmokeCheck.Patience.deployed();
            SmokeCheck check = new SmokeCheck(SmokeCheck.Target.open(proxy.url()), patience, time, time);
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, check::run);
            assertEquals("change with If-Match", failure.step(), failure.getMessage());
            assertTrue(failure.getMessage().contains("429") && failure.getMessage().contains("throttled 9 times"), failure.getMessage());
            assertEquals(List.of(1L, 2L, 4L, 8L, 10L, 10L, 10L, 10L), time.slept.stream().map(Duration::toSeconds).toList());
            assertTrue(time.elapsed().compareTo(patience.throttled()) <= 0, "never waits past the budget: " + time.elapsed());
            assertEquals(Set.of(), proxy.canaries(SmokeCheck.Target.open(proxy.url())), "the canary is deleted when a later step fails");
        }
    }

    /** The deployed patience, polling less often so that minutes of waiting take a few requests. */
    private static SmokeCheck.Patience deployedPollingEvery(Duration poll) {
        SmokeCheck.Patience deployed = SmokeCheck.Patience.deployed();
        return new SmokeCheck.Patience(deployed.ready(), deployed.warming(), deployed.throttled(), poll);
    }

    /** What a stage whose new SnapStart version is not Active yet answers: API Gateway's 5xx for the failed invoke. */
    private static Proxy.Answer notReady(int status) {
        return new Proxy.Answer(status, "application/json", Map.of(),
                status == 503 ? "{\"message\":\"Service Unavailable\"}" : "{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void aFirstUpdatesFunctionAnswering5xxForMinutesIsWaitedFor(LocalStack dev) throws Exception {
        VirtualTime time = new VirtualTime();
        AtomicInteger answered = new AtomicInteger();
        try (Proxy proxy = Proxy.answering(dev.baseUrl(), exchange -> time.elapsed().compareTo(Duration.ofMinutes(3)) < 0
                ? Optional.of(notReady(answered.incrementAndGet() % 2 == 0 ? 502 : 503)) : Optional.empty())) {
            SmokeCheck.Report report = new SmokeCheck(SmokeCheck.Target.open(proxy.url()), deployedPollingEvery(Duration.ofSeconds(30)),
                    time, time).run();
            assertEquals(OPEN_STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
            assertEquals(Duration.ofMinutes(3), time.elapsed(), "reached once the function answered");
        }
    }

    @Test
    void a5xxPastTheWarmingWindowFailsTheUpdate(LocalStack dev) throws Exception {
        VirtualTime time = new VirtualTime();
        try (Proxy proxy = Proxy.answering(dev.baseUrl(), exchange -> Optional.of(notReady(503)))) {
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class,
                    () -> new SmokeCheck(SmokeCheck.Target.open(proxy.url()), deployedPollingEvery(Duration.ofSeconds(30)), time, time).run());
            assertEquals("reach the API", failure.step(), failure.getMessage());
            assertTrue(failure.getMessage().contains("503") && failure.getMessage().contains("SnapStart"), failure.getMessage());
            assertEquals(Duration.ofMinutes(5), time.elapsed());
        }
    }

    @Test
    void aWrongAnswerOnFirstReachFailsAtOnce(LocalStack dev) throws Exception {
        VirtualTime time = new VirtualTime();
        try (Proxy proxy = Proxy.answering(dev.baseUrl(), exchange -> Optional.of(new Proxy.Answer(400, "application/problem+json", Map.of(),
                "{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400}")))) {
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class,
                    () -> new SmokeCheck(SmokeCheck.Target.open(proxy.url()), SmokeCheck.Patience.deployed(), time, time).run());
            assertEquals("reach the API", failure.step(), failure.getMessage());
            assertTrue(failure.getMessage().contains("400"), failure.getMessage());
            assertEquals(List.of(), time.slept, "a contract mismatch is not waited for");
        }
    }

    /** The check's clock and its sleep, virtual: a sleep moves the clock on at once. */
    private static final class VirtualTime extends Clock implements SmokeCheck.Sleeper {
        private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
        private volatile Instant now = START;
        final List<Duration> slept = new CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration duration) {
            slept.add(duration);
            now = now.plus(duration);
        }

        Duration elapsed() {
            return Duration.between(START, now);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /**
     * Forwards every request to the API, except that the requests {@code stripIfMatch} picks lose
     * their If-Match header on the way, and those {@code answer} answers never reach it;
     * remembers the users it saw created.
     */
    private static final class Proxy implements AutoCloseable {
        /** An answer the proxy gives in the API's place. */
        record Answer(int status, String contentType, Map<String, String> headers, String body) {}

        private final HttpServer server;
        private final HttpClient http = HttpClient.newHttpClient();
        private final Set<String> created = ConcurrentHashMap.newKeySet();
        private final URI upstream;

        static Proxy forwarding(URI upstream) throws IOException {
            return new Proxy(upstream, exchange -> false, exchange -> Optional.empty());
        }

        static Proxy answering(URI upstream, Function<HttpExchange, Optional<Answer>> answer) throws IOException {
            return new Proxy(upstream, exchange -> false, answer);
        }

        Proxy(URI upstream, Predicate<HttpExchange> stripIfMatch, Function<HttpExchange, Optional<Answer>> answer) throws IOException {
            this.upstream = upstream;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    Optional<Answer> own = answer.apply(exchange);
                    if (own.isPresent()) {
                        byte[] bytes = own.get().body().getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", own.get().contentType());
                        own.get().headers().forEach(exchange.getResponseHeaders()::add);
                        exchange.sendResponseHeaders(own.get().status(), bytes.length);
                        exchange.getResponseBody().write(bytes);
                        return;
                    }
                    HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                    boolean strip = stripIfMatch.test(exchange);
                    exchange.getRequestHeaders().forEach((name, values) -> {
                        if (!Set.of("host", "content-length", "connection", "expect", "upgrade").contains(name.toLowerCase())
                                && !(strip && name.equalsIgnoreCase("if-match"))) {
                            values.forEach(value -> request.header(name, value));
                        }
                    });
                    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    response.headers().map().forEach((name, values) -> {
                        if (!Set.of("content-length", "transfer-encoding", "connection", ":status").contains(name.toLowerCase())) {
                            values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                        }
                    });
                    if (exchange.getRequestMethod().equals("POST") && response.statusCode() == 201) {
                        response.headers().firstValue("location").ifPresent(created::add);
                    }
                    exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
                    exchange.getResponseBody().write(response.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    e.printStackTrace();
                    throw e;
                }
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        /** The users created through the proxy that still exist, asked of the API with the target's token. */
        Set<String> canaries(SmokeCheck.Target as) throws Exception {
            Set<String> remaining = new HashSet<>();
            for (String location : created) {
                HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(location));
                as.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token.get()));
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 404) {
                    remaining.add(location + " (" + status + ")");
                }
            }
            return remaining;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
