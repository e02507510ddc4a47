package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In the default, persistent mode, what was written before a restart is there after it. */
class LocalStackRestartTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    @Test
    void keepsUsersAcrossARestart() throws Exception {
        LocalOptions options = new LocalOptions("dev", 0, false, Optional.of(data), OptionalInt.empty(), Optional.empty(),
                Duration.ofMillis(50), Duration.ofHours(1), Optional.empty(), dev.usersapi.local.gateway.GatewayLimits.defaults());
        String user;
        try (LocalStack first = start(options)) {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(first.baseUrl().resolve("/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Kept\",\"email\":\"kept@example.com\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode());
            user = created.headers().firstValue("Location").orElseThrow();
        }
        try (LocalStack second = start(options)) {
            HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(second.baseUrl() + user)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read.body());
        }
    }

    private static LocalStack start(LocalOptions options) {
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        return LocalStack.start(options, ProjectLayout.current(), new UserStreamHandler(change -> { }, quiet), Clock.systemUTC());
    }
}
