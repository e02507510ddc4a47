package dev.usersapi.local.gateway;

import dev.usersapi.declaration.CorsDeclaration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An HTTP API's CORS configuration as API Gateway applies it ("Configure CORS for HTTP APIs",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html; the rules relied
 * on are local/src/test/resources/cors/http-api-cors.json): to a request with an allowed
 * {@code Origin} it adds the configured headers to the integration's response (a preflight's, OPTIONS
 * with {@code Origin} and {@code Access-Control-Request-Method}, or an actual request's) and drops the
 * integration's own; a request from any other origin gets no CORS header. API Gateway answers a
 * preflight itself only where no route takes it, and {@code $default} takes every request here, so
 * a preflight always reaches the function: through the unauthorized {@code OPTIONS /{proxy+}}, or,
 * at the root, through {@code $default} and its authorizer, as in the cloud.
 *
 * <p>The header values are joined once, here: a request pays one header lookup, and only a
 * cross-origin one pays more.
 */
final class HttpApiCors {
    private static final String ACCESS_CONTROL = "access-control-";
    private static final Set<String> ANY_ORIGIN = Set.of("*");

    private final Set<String> allowOrigins;
    private final boolean anyOrigin;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final String maxAge;

    HttpApiCors(CorsDeclaration declaration) {
        this.allowOrigins = Set.copyOf(declaration.allowOrigins());
        this.anyOrigin = allowOrigins.containsAll(ANY_ORIGIN);
        this.allowMethods = String.join(",", CorsDeclaration.ALLOW_METHODS);
        this.allowHeaders = String.join(",", CorsDeclaration.ALLOW_HEADERS);
        this.exposeHeaders = String.join(",", CorsDeclaration.EXPOSE_HEADERS);
        this.maxAge = Integer.toString(declaration.maxAgeSeconds());
    }

    /**
     * The route an OPTIONS request takes on a stack with CORS: the unauthorized
     * {@code OPTIONS /{proxy+}} the cloud's program declares, for any path below the root (a greedy
     * path variable needs one segment at least); empty for the root, which no route of that kind fits.
     */
    static Optional<RouteTable.Selected> preflightRoute(String rawPath) {
        String proxy = rawPath.substring(1);
        if (proxy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RouteTable.Selected(CorsDeclaration.PREFLIGHT_ROUTE_KEY,
                Map.of("proxy", java.net.URLDecoder.decode(proxy.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)),
                List.of()));
    }

    /** Is this request a preflight, which API Gateway knows by its Origin and Access-Control-Request-Method? */
    static boolean isPreflight(String method, Optional<String> origin, Optional<String> requestMethod) {
        return method.equals("OPTIONS") && origin.isPresent() && requestMethod.isPresent();
    }

    /**
     * The integration's response as API Gateway sends it on: without the integration's own
     * Access-Control-* headers, and with the configured ones where the origin is allowed. A request
     * without an Origin is no CORS request, and its response passes unchanged.
     */
    HttpApiPayloads.Response apply(HttpApiPayloads.Response response, Optional<String> origin, boolean preflight) {
        if (origin.isEmpty()) {
            return response;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().forEach((name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).startsWith(ACCESS_CONTROL)) {
                headers.put(name, value);
            }
        });
        if (anyOrigin || allowOrigins.contains(origin.get())) {
            headers.put("access-control-allow-origin", anyOrigin ? "*" : origin.get());
            if (preflight) {
                headers.put("access-control-allow-methods", allowMethods);
                headers.put("access-control-allow-headers", allowHeaders);
                headers.put("access-control-max-age", maxAge);
            } else {
                headers.put("access-control-expose-headers", exposeHeaders);
            }
        }
        return new HttpApiPayloads.Response(response.status(), headers, response.cookies(), response.body());
    }
}
