package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The local prod mode (the JWT authorizer on every route) on a stack that lets a browser origin in:
 * prod's stack file with dev's users-api:api.cors. As in the cloud, where such a stack has the
 * unauthorized OPTIONS /{proxy+} route, a browser's preflight, which carries no token, is not refused.
 * No stack file of the project is both, so this one is written for the test; its one stack serves every case.
 */
class LocalCorsProdModeTest {
    private static final String KEY = "local-test-key-of-at-least-32-bytes!";
    private static final String FRONT_END = "http://localhost:3000";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path root;
    private static LocalStack stack;
    private static CorsDeclaration cors;

    @BeforeAll
    static void start() throws Exception {
        ProjectLayout project = ProjectLayout.current();
        Map<String, Object> prod;
        Map<String, Object> devStack;
        try (Reader prodFile = Files.newBufferedReader(project.stackFile("prod")); Reader devFile = Files.newBufferedReader(project.stackFile("dev"))) {
            prod = new Yaml().load(prodFile);
            devStack = new Yaml().load(devFile);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> prodApi = (Map<String, Object>) ((Map<String, Object>) prod.get("config")).get("users-api:api");
        @SuppressWarnings("unchecked")
        Map<String, Object> devApi = (Map<String, Object>) ((Map<String, Object>) devStack.get("config")).get("users-api:api");
        prodApi.put("cors", devApi.get("cors"));
        ProjectLayout layout = new ProjectLayout(root);
        Files.createDirectories(layout.stackFile("prod").getParent());
        Files.createDirectories(layout.openApiDocument().getParent());
        Files.copy(project.openApiDocument(), layout.openApiDocument());
        try (Writer file = Files.newBufferedWriter(layout.stackFile("prod"))) {
            new Yaml().dump(prod, file);
        }
        cors = StackFile.load(layout, "prod").cors().orElseThrow();
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        stack = LocalStack.start(new LocalOptions("prod", 0, true, Optional.of(root.resolve("data")), OptionalInt.empty(), Optional.empty(),
                Duration.ofMillis(50), Duration.ofHours(1), Optional.of(KEY), dev.usersapi.local.gateway.GatewayLimits.defaults()), layout,
                new UserStreamHandler(change -> { }, quiet), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPreflightWithoutATokenIsAnsweredThroughTheUnauthorizedOptionsRoute() throws Exception {
        assertEquals(CorsDeclaration.PREFLIGHT_ROUTE_KEY, HttpApiCorsRules.unauthorizedPreflightRoute());
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users/some-id"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .headers(HttpApiCorsRules.preflightHeaders(FRONT_END, "PATCH"))
                .header("Access-Control-Request-Headers", "authorization,content-type,if-match")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(HttpApiCorsRules.preflightResponse(cors, FRONT_END), HttpApiCorsRules.corsHeaders(preflight));

        // The actual request still needs its token, and its refusal is the authorizer's, without CORS headers (only integration responses get them).
        HttpResponse<String> unauthorized = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("Origin", FRONT_END).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthorized.statusCode(), unauthorized.body());

        String token = stack.authorizer().orElseThrow().issue("cors-check", java.util.List.of("users/read", "users/write", "users/admin"), Duration.ofMinutes(5));
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("Origin", FRONT_END).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(HttpApiCorsRules.actualResponse(cors, FRONT_END), HttpApiCorsRules.corsHeaders(listed));
    }
}
