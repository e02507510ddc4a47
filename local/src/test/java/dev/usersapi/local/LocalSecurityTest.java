package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.log.JsonLines;
import dev.usersapi.local.gateway.JwtAuthorizer;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prod stack run locally: JWTs required on every route, loopback only, no DynamoDB port unless asked. */
class LocalSecurityTest {
    private static final String KEY = "local-test-key-of-at-least-32-bytes!";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        stack = LocalStack.start(new LocalOptions("prod", 0, true, Optional.empty(), OptionalInt.empty(), Optional.empty(), Duration.ofMillis(50),
                Duration.ofHours(1), Optional.of(KEY), dev.usersapi.local.gateway.GatewayLimits.defaults()), ProjectLayout.current(), new UserStreamHandler(change -> { }, quiet), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static HttpResponse<String> create(Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JwtAuthorizer authorizerFor(String key, List<String> audiences) {
        return new JwtAuthorizer(key.getBytes(StandardCharsets.UTF_8),
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_REPLACEME", audiences, Clock.systemUTC());
    }

    @Test
    void aRequestWithoutATokenIs401AndNeverReachesTheFunction() throws Exception {
        HttpResponse<String> response = create(Optional.empty());
        assertEquals(401, response.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", response.body());
    }

    @Test
    void aValidTokenIsLetThrough() throws Exception {
        String token = stack.authorizer().orElseThrow().issue("ada", Duration.ofMinutes(5));
        assertEquals(201, create(Optional.of(token)).statusCode());
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() throws Exception {
        String forged = authorizerFor("another-key-that-is-also-32-bytes-long", List.of("users-api")).issue("eve", Duration.ofMinutes(5));
        assertEquals(401, create(Optional.of(forged)).statusCode());
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        String expired = authorizerFor(KEY, List.of("users-api")).issue("ada", Duration.ofMinutes(-1));
        assertEquals(401, create(Optional.of(expired)).statusCode());
    }

    @Test
    void aTokenForAnotherAudienceIs401() throws Exception {
        String elsewhere = authorizerFor(KEY, List.of("billing-api")).issue("ada", Duration.ofMinutes(5));
        assertEquals(401, create(Optional.of(elsewhere)).statusCode());
        assertEquals(401, create(Optional.of("not.a.jwt")).statusCode());
    }

    @Test
    void theGatewayListensOnLoopbackOnlyAndDynamoDbHasNoPort() throws Exception {
        assertEquals("127.0.0.1", stack.baseUrl().getHost());
        assertTrue(stack.dynamoDbEndpoint().isEmpty(), "the engine opens no port unless --dynamodb-port asks");
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    assertThrows(java.io.IOException.class, () -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(address, stack.baseUrl().getPort()), 1000);
                        }
                    }, "reachable on " + address);
                }
            }
        }
    }
}
