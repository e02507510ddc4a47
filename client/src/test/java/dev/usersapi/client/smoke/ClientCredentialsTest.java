package dev.usersapi.client.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client-credentials grant against a stand-in for a Cognito token endpoint that checks a
 * request as the Cognito developer guide's "The token endpoint" says one must be made, and
 * answers as it documents (an access_token, or an error such as invalid_client).
 */
class ClientCredentialsTest {
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth2/token", exchange -> {
            try (exchange) {
                Map<String, String> form = new LinkedHashMap<>();
                for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    String[] parts = pair.split("=", 2);
                    form.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
                }
                String expected = "Basic " + Base64.getEncoder().encodeToString("smoke-client:s3cret".getBytes(StandardCharsets.UTF_8));
                boolean valid = exchange.getRequestMethod().equals("POST")
                        && "application/x-www-form-urlencoded".equals(exchange.getRequestHeaders().getFirst("Content-Type"))
                        && expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        && "client_credentials".equals(form.get("grant_type"));
                byte[] body = (valid
                        ? "{\"access_token\":\"token-for-" + form.get("scope").replace(' ', '+') + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
                        : "{\"error\":\"invalid_client\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(valid ? 200 : 400, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token");
    }

    @Test
    void exchangesTheClientsIdAndSecretForAnAccessTokenWithTheScopesAsked() {
        assertEquals("token-for-users/admin+users/read",
                ClientCredentials.accessToken(tokenUrl(), "smoke-client", "s3cret", List.of("users/admin", "users/read")));
    }

    @Test
    void aRefusalNamesTheEndpointsReasonAndNotTheSecret() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ClientCredentials.accessToken(tokenUrl(), "smoke-client", "wrong-secret", List.of("users/admin")));
        assertTrue(refused.getMessage().contains("400") && refused.getMessage().contains("invalid_client"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("wrong-secret"));
    }

    @Test
    void bySmokeTakesItsCredentialsFromTheEnvironment() {
        URI api = URI.create("https://api.example.com");
        assertEquals(Optional.empty(), SmokeCommand.target(api, Map.of()).bearerToken());
        assertEquals("given", SmokeCommand.target(api, Map.of("USERS_API_TOKEN", "given")).bearerToken().orElseThrow().get());
        SmokeCheck.Target issued = SmokeCommand.target(api, Map.of("USERS_API_TOKEN_URL", tokenUrl().toString(),
                "USERS_API_CLIENT_ID", "smoke-client", "USERS_API_CLIENT_SECRET", "s3cret"));
        assertEquals("token-for-users/read+users/write", issued.bearerToken().orElseThrow().get(),
                "by default the smoke check's own scopes, without users/admin");
    }
}
