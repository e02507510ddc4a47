package dev.usersapi.api;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.testing.DynamoDbEndpoint;
import dev.usersapi.testing.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A fault of ours is a 5xx that carries the request id, with the cause in the log; never a 4xx. */
class ServerFaultTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private UsersApi api(DynamoDbClient client, String table) {
        var settings = new UsersTableSettings(table, "email-index", Optional.empty(), "no-such-keys", java.time.Duration.ofDays(1));
        return new UsersApi(new UserStore(client, settings), new dev.usersapi.store.IdempotencyStore(client, "no-such-keys", java.time.Duration.ofDays(1)),
                new UserIds(new SecureRandom()), Clock.systemUTC(), new JsonLines(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingTableIs500WithTheRequestIdAndTheCauseLogged() {
        APIGatewayV2HTTPEvent event = request("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\"}").event();
        APIGatewayV2HTTPResponse response = api(DynamoDbEndpoint.shared().client(), "no-such-table").handle(event);

        assertEquals(500, response.getStatusCode());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        String requestId = event.getRequestContext().getRequestId();
        JsonNode problem = Json.parse(response.getBody());
        assertEquals(requestId, problem.get("requestId").asText());
        assertTrue(!response.getBody().contains("ResourceNotFound") && !response.getBody().contains("no-such-table")
                && !response.getBody().contains("at dev."), "the answer names no internals: " + response.getBody());
        JsonNode logged = Json.parse(log.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        assertEquals(requestId, logged.get("requestId").asText());
        assertTrue(logged.get("error").asText().contains("ResourceNotFoundException"), logged.toString());
    }

    @Test
    void throttlingIs503WithRetryAfter() throws Exception {
        HttpServer throttling = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        throttling.createContext("/", exchange -> {
            byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                    + "\"message\":\"slow down\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        throttling.start();
        try (DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + throttling.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(Apache5HttpClient.create())
                .overrideConfiguration(config -> config.retryStrategy(strategy -> strategy.maxAttempts(1)))
                .build()) {
            APIGatewayV2HTTPResponse response = api(client, "users").handle(request("GET", "/users").event());
            assertEquals(503, response.getStatusCode());
            assertEquals("1", response.getHeaders().get("Retry-After"));
        } finally {
            throttling.stop(0);
        }
    }
}
