package dev.usersapi.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * "If you configure CORS for an API, API Gateway ignores CORS headers returned from your backend
 * integration" (local/src/test/resources/cors/http-api-cors.json, integrationCorsHeaders): a
 * function that sends its own Access-Control-* headers, behind the gateway alone (no engine needed).
 */
class IntegrationCorsHeadersTest {
    @Test
    void theFunctionsOwnCorsHeadersNeverReachTheBrowser() throws Exception {
        byte[] answer = ("{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\",\"Access-Control-Allow-Origin\":\"*\","
                + "\"access-control-allow-credentials\":\"true\"},\"body\":\"[]\"}").getBytes(StandardCharsets.UTF_8);
        try (LocalGateway gateway = new LocalGateway(0, OpenApiDocument.operations(ProjectLayout.current().openApiDocument()),
                (event, context) -> answer, Optional.empty(), GatewayLimits.defaults(), Optional.empty(),
                Optional.of(new CorsDeclaration(List.of("http://localhost:3000"), 300)))) {
            gateway.start();
            HttpClient http = HttpClient.newHttpClient();
            URI users = URI.create("http://127.0.0.1:" + gateway.port() + "/users");
            HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(users).header("Origin", "http://localhost:3000").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(Optional.of("http://localhost:3000"), allowed.headers().firstValue("access-control-allow-origin"));
            assertFalse(allowed.headers().firstValue("access-control-allow-credentials").isPresent());

            HttpResponse<String> other = http.send(HttpRequest.newBuilder(users).header("Origin", "https://elsewhere.example").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, other.statusCode());
            assertEquals(List.of(), other.headers().map().keySet().stream().filter(name -> name.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("access-control-")).toList());
        }
    }
}
