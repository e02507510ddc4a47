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
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The smoke check against the local stack the client's tests share, open (dev) and behind its JWT authorizer (prod). */
@ExtendWith(LocalStacks.class)
class SmokeCheckTest {
    private static final List<String> STEPS = List.of("reach the API", "create with Idempotency-Key", "retry answered from the Idempotency-Key",
            "read", "find on a page of the listing", "find by email", "change with If-Match", "stale If-Match refused with 412",
            "delete with If-Match", "read after delete is 404");

    @Test
    void passesEveryStepAgainstTheOpenDevStack(LocalStack dev) {
        SmokeCheck.Report report = new SmokeCheck(SmokeCheck.Target.open(dev.baseUrl()), SmokeCheck.Patience.immediate()).run();
        assertEquals(STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
    }

    /** A token from the local prod stack's token endpoint, by client credentials, as the program gets one from Cognito. */
    private static String token(LocalStack prod, List<String> scopes) {
        var jwt = prod.authorizer().orElseThrow();
        return ClientCredentials.accessToken(prod.baseUrl().resolve("/oauth2/token"), jwt.clientId(), jwt.clientSecret(), scopes);
    }

    @Test
    void passesEveryStepAgainstTheProdStackWithAClientCredentialsTokenForUsersAdmin(@LocalStacks.Prod LocalStack prod) {
        SmokeCheck.Target target = SmokeCheck.Target.withToken(prod.baseUrl(), token(prod, List.of("users/admin")));
        SmokeCheck.Report report = new SmokeCheck(target, SmokeCheck.Patience.immediate()).run();
        assertEquals(STEPS, report.steps().stream().map(SmokeCheck.Step::name).toList());
    }

    @Test
    void aTokenWithoutUsersAdminFailsAtTheListingWhichOnlyAdministratorsSee(@LocalStacks.Prod LocalStack prod) {
        SmokeCheck.Target target = SmokeCheck.Target.withToken(prod.baseUrl(), token(prod, List.of("users/read", "users/write")));
        SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, () -> new SmokeCheck(target, SmokeCheck.Patience.immediate()).run());
        assertEquals("find on a page of the listing", failure.step(), failure.getMessage());
        assertTrue(failure.getMessage().contains("403"), failure.getMessage());
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
        try (Tampering proxy = new Tampering(dev.baseUrl(), exchange -> exchange.getRequestMethod().equals("PATCH")
                && exchange.getRequestHeaders().getFirst("If-Match") != null)) {
            SmokeCheck check = new SmokeCheck(SmokeCheck.Target.open(proxy.url()), SmokeCheck.Patience.immediate());
            SmokeCheck.Failure failure = assertThrows(SmokeCheck.Failure.class, check::run);
            assertEquals("stale If-Match refused with 412", failure.step(), failure.getMessage());
            assertEquals(Set.of(), proxy.canaries(), "the canary is deleted when a later step fails");
        }
    }

    /**
     * Forwards every request to the API, except that the requests {@code tampered} picks lose
     * their If-Match header on the way; remembers the users it saw created.
     */
    private static final class Tampering implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient http = HttpClient.newHttpClient();
        private final java.util.Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final URI upstream;

        Tampering(URI upstream, Predicate<HttpExchange> tampered) throws IOException {
            this.upstream = upstream;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                    boolean tamper = tampered.test(exchange);
                    exchange.getRequestHeaders().forEach((name, values) -> {
                        if (!Set.of("host", "content-length", "connection", "expect", "upgrade").contains(name.toLowerCase())
                                && !(tamper && name.equalsIgnoreCase("if-match"))) {
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

        /** The users created through the proxy that still exist. */
        Set<String> canaries() throws Exception {
            java.util.Set<String> remaining = new java.util.HashSet<>();
            for (String location : created) {
                int status = http.send(HttpRequest.newBuilder(upstream.resolve(location)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
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
