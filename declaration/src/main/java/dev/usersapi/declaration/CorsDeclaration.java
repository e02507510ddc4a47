package dev.usersapi.declaration;

import java.util.List;

/**
 * Which browser origins may call the API (config key {@code users-api:api.cors}), and what the API
 * lets them send and read: what the cloud's HTTP API corsConfiguration and the local gateway both
 * apply. A stack without it answers no cross-origin request.
 *
 * <p>The methods and headers are the contract's ({@code api/openapi.yaml}) beyond the Fetch
 * standard's safelists, the same on every stack; stacks' CorsTest holds them to the contract.
 */
public record CorsDeclaration(List<String> allowOrigins, int maxAgeSeconds) {
    public static final List<String> ALLOW_METHODS = List.of("GET", "POST", "PATCH", "DELETE", "OPTIONS");
    public static final List<String> ALLOW_HEADERS = List.of("authorization", "content-type", "idempotency-key", "if-match");
    public static final List<String> EXPOSE_HEADERS = List.of("etag", "location", "link", "www-authenticate", "idempotent-replayed",
            "retry-after");
    /**
     * The route without an authorizer a stack with CORS has, so that a preflight (which carries no
     * token) reaches the function rather than the JWT authorizer of {@code $default}.
     */
    public static final String PREFLIGHT_ROUTE_KEY = "OPTIONS /{proxy+}";

    public CorsDeclaration {
        allowOrigins = List.copyOf(allowOrigins);
    }
}
