package dev.usersapi.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.Change;
import dev.usersapi.stream.UserStreamHandler;
import dev.usersapi.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack as a user runs it, driven over real HTTP, with the stream handler watched. */
class LocalStackEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Change> CHANGES = new CopyOnWriteArrayList<>();
    private static final MutableClock CLOCK = new MutableClock(Instant.now());

    @TempDir
    static Path data;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        stack = LocalStack.start(options(Optional.empty(), true), ProjectLayout.current(),
                new UserStreamHandler(CHANGES::add, quiet), CLOCK);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static LocalOptions options(Optional<Path> dataDirectory, boolean inMemory) {
        return new LocalOptions("dev", 0, inMemory, dataDirectory.or(() -> Optional.of(data)), OptionalInt.empty(), Optional.empty(),
                Duration.ofMillis(50), Duration.ofHours(1), Optional.empty(), dev.usersapi.local.gateway.GatewayLimits.defaults());
    }

    @Test
    void servesTheWholeLifeOfAUserAndStreamsEveryChange() throws Exception {
        HttpResponse<String> created = send("POST", "/users", "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":36}");
        assertEquals(201, created.statusCode());
        String id = JSON.readTree(created.body()).get("id").asText();
        assertEquals("/users/" + id, created.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> read = send("GET", "/users/" + id, null);
        assertEquals(200, read.statusCode());
        assertEquals("\"1\"", read.headers().firstValue("ETag").orElseThrow());

        HttpResponse<String> updated = send("PATCH", "/users/" + id, "{\"age\":0}", "If-Match", "\"1\"");
        assertEquals(200, updated.statusCode());
        assertEquals(0, JSON.readTree(updated.body()).get("age").asInt());
        assertEquals(412, send("PATCH", "/users/" + id, "{\"age\":1}", "If-Match", "\"1\"").statusCode());

        assertEquals(204, send("DELETE", "/users/" + id, null).statusCode());
        assertEquals(404, send("GET", "/users/" + id, null).statusCode());

        List<String> events = await().atMost(Duration.ofSeconds(20)).until(() -> eventsFor(id), list -> list.size() >= 3);
        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"), events);
        Change modify = changesFor(id).get(1);
        assertEquals(Optional.of(new java.math.BigDecimal(36)), modify.differences().get("age").before());
        assertEquals(Optional.of(java.math.BigDecimal.ZERO), modify.differences().get("age").after());
        assertFalse(changesFor(id).get(2).expired(), "a user's delete is not an expiry");
    }

    @Test
    void pagesThroughUsersWithTheLinkHeader() throws Exception {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(JSON.readTree(send("POST", "/users", "{\"name\":\"P" + i + "\",\"email\":\"page@example.com\"}").body())
                    .get("id").asText());
        }
        Set<String> listed = new HashSet<>();
        String next = "/users?email=page%40example.com&limit=2";
        while (next != null) {
            HttpResponse<String> page = send("GET", next, null);
            assertEquals(200, page.statusCode());
            JSON.readTree(page.body()).forEach(user -> listed.add(user.get("id").asText()));
            Matcher link = NEXT.matcher(page.headers().firstValue("Link").orElse(""));
            next = link.matches() ? link.group(1) : null;
        }
        assertEquals(created, listed);
    }

    @Test
    void keepsTheSampleRoutesWorking() throws Exception {
        HttpResponse<String> created = send("POST", "/users/create", "{\"name\":\"Old\",\"email\":\"old@example.com\",\"age\":40}");
        assertEquals(200, created.statusCode());
        JsonNode user = JSON.readTree(created.body());
        String key = "\"id\":\"" + user.get("id").asText() + "\",\"createdAt\":" + user.get("createdAt").asLong();
        HttpResponse<String> updated = send("PATCH", "/users/" + user.get("id").asText() + "/update", "{" + key + ",\"name\":\"New\"}");
        assertEquals(200, updated.statusCode());
        assertEquals("New", JSON.readTree(updated.body()).get("updateAttributes").get("name").asText());
        HttpResponse<String> deleted = send("POST", "/users/" + user.get("id").asText() + "/delete", "{" + key + "}");
        assertEquals(200, deleted.statusCode());
        HttpResponse<String> list = send("GET", "/users", null);
        assertTrue(JSON.readTree(list.body()).isArray());
    }

    @Test
    void answersBadInputWithProblemsThroughTheGateway() throws Exception {
        HttpResponse<String> malformed = send("POST", "/users", "{\"name\":");
        assertEquals(400, malformed.statusCode());
        assertEquals("application/problem+json", malformed.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> wrongType = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, wrongType.statusCode());

        HttpResponse<String> binary = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, binary.statusCode(), "a binary body arrives base64-encoded and is refused by type");

        assertEquals(404, send("GET", "/nowhere", null).statusCode());
        HttpResponse<String> wrongMethod = send("PUT", "/users", "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
        assertEquals(400, send("GET", "/users?limit=1000", null).statusCode());
    }

    @Test
    void removesAnExpiredUserWithATimeToLiveRemoveRecord() throws Exception {
        String id = JSON.readTree(send("POST", "/users", "{\"name\":\"Brief\",\"email\":\"brief@example.com\"}").body())
                .get("id").asText();
        CLOCK.advance(Duration.ofDays(5).plusMinutes(1));
        try {
            assertEquals(404, send("GET", "/users/" + id, null).statusCode(), "hidden as soon as it expires");
            assertTrue(stack.expireNow().orElseThrow() >= 1, "the engine expires it on the stack's clock");
        } finally {
            CLOCK.advance(Duration.ofDays(-5).minusMinutes(1));
        }
        assertEquals(0, stack.dynamoDb().scan(scan -> scan.tableName(LocalStack.TABLE_NAME)
                .filterExpression("id = :id").expressionAttributeValues(java.util.Map.of(":id",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))).count());
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsFor(id), events -> events.contains("REMOVE"));
        Change removal = changesFor(id).get(changesFor(id).size() - 1);
        assertTrue(removal.expired(), "marked as a time-to-live deletion");
    }

    static List<String> eventsFor(String id) {
        return changesFor(id).stream().map(Change::eventName).toList();
    }

    static List<Change> changesFor(String id) {
        return CHANGES.stream().filter(change -> id.equals(change.keys().get("id"))).toList();
    }

    /**
     * A browser front end on the origin dev allows (stacks/Pulumi.dev.yaml's users-api:api.cors) can
     * use bin/local as it uses the cloud's dev API: the preflight and the actual response carry
     * the headers API Gateway adds (cors/http-api-cors.json), with the stack's values.
     */
    @Test
    void aFrontEndOnTheOriginTheStackAllowsPassesThePreflightAndReadsTheResponse() throws Exception {
        CorsDeclaration cors = StackFile.load(ProjectLayout.current(), "dev").cors().orElseThrow();
        assertTrue(cors.allowOrigins().contains(FRONT_END), cors.allowOrigins().toString());
        HttpResponse<String> preflight = send("OPTIONS", "/users", null, preflight(FRONT_END, "POST", "content-type,idempotency-key"));
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(HttpApiCorsRules.preflightResponse(cors, FRONT_END), HttpApiCorsRules.corsHeaders(preflight));

        HttpResponse<String> listed = send("GET", "/users", null, "Origin", FRONT_END);
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(HttpApiCorsRules.actualResponse(cors, FRONT_END), HttpApiCorsRules.corsHeaders(listed));
    }

    @Test
    void anOriginTheStackDoesNotAllowGetsNoCorsHeader() throws Exception {
        String other = "http://localhost:3001";
        assertFalse(StackFile.load(ProjectLayout.current(), "dev").cors().orElseThrow().allowOrigins().contains(other));
        HttpResponse<String> preflight = send("OPTIONS", "/users", null, preflight(other, "POST", "content-type"));
        assertEquals(java.util.Map.of(), HttpApiCorsRules.corsHeaders(preflight));
        HttpResponse<String> listed = send("GET", "/users", null, "Origin", other);
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(java.util.Map.of(), HttpApiCorsRules.corsHeaders(listed));
    }

    private static final String FRONT_END = "http://localhost:3000";

    private static String[] preflight(String origin, String method, String headers) {
        List<String> all = new java.util.ArrayList<>(List.of(HttpApiCorsRules.preflightHeaders(origin, method)));
        all.addAll(List.of("Access-Control-Request-Headers", headers));
        return all.toArray(String[]::new);
    }

    private static HttpResponse<String> send(String method, String pathAndQuery, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + pathAndQuery));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
