package dev.usersapi.local.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local prod mode's stand-in for Cognito's token endpoint, {@code POST /oauth2/token} with the
 * client-credentials grant (RFC 6749 §4.4), so a service (the deployed-API smoke check, or the
 * API reference's Authorize dialog) gets its token locally as it does from the user pool's domain:
 * the client authenticates with HTTP Basic ({@code client_id:client_secret}) or, as Cognito also
 * accepts, with both in the form; {@code scope} asks for some of the resource server's scopes
 * (all of them when absent). Errors are RFC 6749 §5.2's JSON.
 */
final class TokenEndpoint {
    static final String PATH = "/oauth2/token";
    static final List<String> SCOPES = dev.usersapi.api.Route.Scopes.ALL;
    private static final Duration LIFETIME = Duration.ofHours(1);

    private final JwtAuthorizer authorizer;

    TokenEndpoint(JwtAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    HttpApiPayloads.Response answer(String method, Map<String, List<String>> headers, byte[] body) {
        if (!method.equals("POST")) {
            return error(405, "invalid_request", "the token endpoint takes POST");
        }
        String contentType = first(headers, "content-type").orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return error(400, "invalid_request", "send the request as application/x-www-form-urlencoded");
        }
        Map<String, String> form;
        try {
            form = form(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return error(400, "invalid_request", "the form is malformed");
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return error(400, "unsupported_grant_type", "only grant_type=client_credentials is served here");
        }
        Optional<String[]> basic = first(headers, "authorization").flatMap(TokenEndpoint::basic);
        String clientId = basic.map(pair -> pair[0]).orElse(form.getOrDefault("client_id", ""));
        String secret = basic.map(pair -> pair[1]).orElse(form.getOrDefault("client_secret", ""));
        if (!clientId.equals(authorizer.clientId()) || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                authorizer.clientSecret().getBytes(StandardCharsets.UTF_8))) {
            return error(401, "invalid_client", "unknown client or wrong secret");
        }
        List<String> scopes = Optional.ofNullable(form.get("scope")).map(String::strip).filter(text -> !text.isEmpty())
                .map(text -> Arrays.asList(text.split("\\s+"))).orElse(SCOPES);
        if (!SCOPES.containsAll(scopes)) {
            return error(400, "invalid_scope", "the scopes are " + String.join(" ", SCOPES));
        }
        // A client-credentials token's subject is the client itself, as Cognito's sub is the app client id.
        String token = authorizer.issue(clientId, scopes, LIFETIME);
        ObjectNode json = HttpApiPayloads.JSON.createObjectNode()
                .put("access_token", token).put("expires_in", LIFETIME.toSeconds()).put("token_type", "Bearer");
        return new HttpApiPayloads.Response(200, Map.of("content-type", "application/json", "cache-control", "no-store"),
                List.of(), json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static HttpApiPayloads.Response error(int status, String code, String description) {
        ObjectNode json = HttpApiPayloads.JSON.createObjectNode().put("error", code).put("error_description", description);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("content-type", "application/json", "cache-control", "no-store"));
        if (status == 401) {
            headers.put("www-authenticate", "Basic realm=\"users-api local\"");
        }
        return new HttpApiPayloads.Response(status, headers, List.of(), json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        return Optional.ofNullable(headers.get(name)).filter(values -> !values.isEmpty()).map(values -> values.get(0));
    }

    /** {@code Basic base64(id:secret)}, each part form-encoded as RFC 6749 §2.3.1 says. */
    private static Optional<String[]> basic(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            return Optional.of(new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)});
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (form.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("a parameter is repeated: " + name);
            }
        }
        return form;
    }
}
