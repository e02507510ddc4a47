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
import dev.usersapi.store.DynamoDbClients;
import dev.usersapi.store.DynamoDbTimeouts;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.testing.Json;
import dev.usersapi.testing.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A database that accepts the connection and never answers: the client's own timeouts (the ones
 * the Lambda client is built with, shortened) end the call, and the caller gets a 503 problem
 * with Retry-After and the request id, with a fault line and a DynamoDbTimeouts metric in the log,
 * long before the function's timeout would have cut everything off unlogged.
 */
class SlowDatabaseTest {
    private static final DynamoDbTimeouts TIMEOUTS = new DynamoDbTimeouts(Duration.ofMillis(150), Duration.ofMillis(400));

    @Test
    void aDatabaseThatDoesNotAnswerIs503WithAFaultLine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        silent.createContext("/", exchange -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        silent.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLines log = new JsonLines(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (DynamoDbClient client = DynamoDbClients.withTimeouts(DynamoDbClient.builder(), TIMEOUTS)
                .endpointOverride(URI.create("http://127.0.0.1:" + silent.getAddress().getPort()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            var table = new UsersTableSettings("users", "email-index", Optional.empty(), "keys", Duration.ofDays(1));
            var handler = new UsersApiHandler(new UsersApi(new UserStore(client, table), new IdempotencyStore(client, "keys", Duration.ofDays(1)),
                    new UserIds(new SecureRandom()), Clock.systemUTC(), log));
            APIGatewayV2HTTPEvent event = request("GET", "/users/0190a0a0-0000-7000-8000-000000000000").event();
            TestContext context = TestContext.of("users-api");

            long started = System.nanoTime();
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, context);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertEquals(503, response.getStatusCode(), response.getBody());
            assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
            assertEquals("1", response.getHeaders().get("Retry-After"));
            JsonNode problem = Json.parse(response.getBody());
            assertEquals(event.getRequestContext().getRequestId(), problem.get("requestId").asText());
            assertTrue(tookMs < 2_000, "ended by the call timeout, not by waiting: " + tookMs + " ms");

            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            JsonNode fault = lines.stream().map(Json::parse).filter(line -> !line.has("_aws")).findFirst().orElseThrow();
            assertEquals("ERROR", fault.get("level").asText());
            assertEquals("dynamodb-timeout", fault.get("kind").asText());
            assertEquals(context.awsRequestId(), fault.get("lambdaRequestId").asText());
            assertEquals(event.getRequestContext().getRequestId(), fault.get("apiRequestId").asText());
            assertTrue(fault.get("error").asText().contains("Timeout"), fault.toString());
            assertEquals(dev.usersapi.log.StructuredLogsTest.declaredMetrics(Set.of("DynamoDbTimeouts")),
                    dev.usersapi.log.StructuredLogsTest.emittedMetrics(lines, Set.of()));
        } finally {
            release.countDown();
            silent.stop(0);
        }
    }
}
