package dev.usersapi.client.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * An OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) at a Cognito user pool's token
 * endpoint, as its developer guide's "The token endpoint" describes it: {@code POST /oauth2/token},
 * the client authenticated with HTTP Basic ({@code client_id:client_secret}), a form body of
 * {@code grant_type=client_credentials} and the space-separated {@code scope}; the answer's
 * {@code access_token} is the bearer token. The secret and the token live only in memory.
 */
public final class ClientCredentials {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientCredentials() {}

    /**
     * As {@link #accessToken(URI, String, String, List)}, asked again every {@code poll} until
     * {@code within} has passed: on a stack's first update the Cognito domain and the app client were
     * created seconds before, and the domain's name may not resolve yet.
     */
    public static String accessToken(URI tokenUrl, String clientId, String clientSecret, List<String> scopes, Duration within,
                                     Duration poll) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return accessToken(tokenUrl, clientId, clientSecret, scopes);
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                    throw notYet;
                }
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw notYet;
                }
            }
        }
    }

    public static String accessToken(URI tokenUrl, String clientId, String clientSecret, List<String> scopes) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            if (body == null || !body.path("access_token").isTextual()) {
                // The error answer names the reason (invalid_client, invalid_scope, ...); it holds no secret.
                throw new IllegalStateException("the token endpoint " + tokenUrl + " answered " + response.statusCode() + ": " + response.body());
            }
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("the token endpoint " + tokenUrl + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + tokenUrl + " for a token", e);
        }
    }
}
