package dev.usersapi.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * API Gateway's CORS rules for HTTP APIs as documented ({@code cors/http-api-cors.json}): which
 * headers a preflight and an actual response from an allowed origin carry, and where each value
 * comes from in the API's corsConfiguration.
 */
final class HttpApiCorsRules {
    private static final JsonNode RULES = read();

    private HttpApiCorsRules() {}

    /** The request headers that make a request a preflight, for {@code origin} asking for {@code method}. */
    static String[] preflightHeaders(String origin, String method) {
        List<String> names = names(RULES.path("preflight").path("requestHeaders"));
        if (!names.equals(List.of("origin", "access-control-request-method"))) {
            throw new IllegalStateException("the rules name other preflight headers: " + names);
        }
        return new String[] {"Origin", origin, "Access-Control-Request-Method", method};
    }

    /** The route the cloud gives OPTIONS so that a preflight meets no authorizer. */
    static String unauthorizedPreflightRoute() {
        return RULES.path("defaultRouteCatchesOptions").path("unauthorizedRoute").asText();
    }

    static Map<String, String> preflightResponse(CorsDeclaration cors, String origin) {
        return expected(RULES.path("preflightResponseHeaders"), cors, origin);
    }

    static Map<String, String> actualResponse(CorsDeclaration cors, String origin) {
        return expected(RULES.path("actualResponseHeaders"), cors, origin);
    }

    /** The response's Access-Control-* headers, names in lower case. */
    static Map<String, String> corsHeaders(HttpResponse<?> response) {
        String prefix = RULES.path("integrationCorsHeaders").path("prefix").asText();
        Map<String, String> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
            }
        });
        return headers;
    }

    private static Map<String, String> expected(JsonNode headers, CorsDeclaration cors, String origin) {
        String separator = RULES.path("headerListSeparator").asText();
        Map<String, String> expected = new TreeMap<>();
        headers.fields().forEachRemaining(header -> expected.put(header.getKey(), switch (header.getValue().asText()) {
            case "allowOrigins" -> cors.allowOrigins().contains("*") ? "*" : origin;
            case "allowMethods" -> String.join(separator, CorsDeclaration.ALLOW_METHODS);
            case "allowHeaders" -> String.join(separator, CorsDeclaration.ALLOW_HEADERS);
            case "exposeHeaders" -> String.join(separator, CorsDeclaration.EXPOSE_HEADERS);
            case "maxAge" -> Integer.toString(cors.maxAgeSeconds());
            default -> throw new IllegalStateException("no configuration property " + header.getValue());
        }));
        return expected;
    }

    private static List<String> names(JsonNode array) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(ProjectLayout.current().root().resolve("local/src/test/resources/cors/http-api-cors.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
