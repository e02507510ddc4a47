package dev.usersapi.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.usersapi.api.Route;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * API Gateway HTTP API payload 2.0 events, built the way API Gateway builds them: lower-case
 * header names, decoded query parameters, the matched route key and its path parameters, or
 * the {@code $default} route key when no route matches. Like API Gateway's JWT authorizer, it
 * passes the caller's token claims ({@code requestContext.authorizer.jwt.claims}): by default an
 * administrator's, {@link #as} another caller's, {@link #withoutToken} none.
 */
public final class ApiRequests {
    private String method;
    private String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private String body;
    private boolean base64;
    private Map<String, String> claims = claims(ADMIN, "users/admin");

    /** The subject of the requests that name no other caller. */
    public static final String ADMIN = "test-admin";

    private ApiRequests(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public static ApiRequests request(String method, String path) {
        return new ApiRequests(method, path);
    }

    public ApiRequests json(String json) {
        headers.put("content-type", "application/json");
        this.body = json;
        return this;
    }

    public ApiRequests header(String name, String value) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return this;
    }

    public ApiRequests query(String name, String value) {
        query.put(name, value);
        return this;
    }

    /** From a caller with this subject and these scopes, as a Cognito access token carries them. */
    public ApiRequests as(String subject, String... scopes) {
        this.claims = claims(subject, String.join(" ", scopes));
        return this;
    }

    /** As API Gateway passes a route without an authorizer: no claims at all. */
    public ApiRequests withoutToken() {
        this.claims = null;
        return this;
    }

    /** A Cognito access token's claims, flattened to text as API Gateway passes them. */
    private static Map<String, String> claims(String subject, String scope) {
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        claims.put("client_id", subject);
        claims.put("token_use", "access");
        claims.put("scope", scope);
        claims.put("iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test");
        return claims;
    }

    public ApiRequests body(String body) {
        this.body = body;
        return this;
    }

    public ApiRequests base64Body(byte[] bytes) {
        this.body = java.util.Base64.getEncoder().encodeToString(bytes);
        this.base64 = true;
        return this;
    }

    public APIGatewayV2HTTPEvent event() {
        var match = RouteMatcher.match(method, path);
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method).withPath(path).withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("test").build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(UUID.randomUUID().toString())
                .withRouteKey(match.routeKey())
                .withStage("$default")
                .withHttp(http)
                .withTimeEpoch(System.currentTimeMillis())
                .withAuthorizer(claims == null ? null : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                .withClaims(new HashMap<>(claims)).withScopes(null).build())
                        .build())
                .build();
        var event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(match.routeKey());
        event.setRawPath(path);
        event.setRawQueryString(rawQuery());
        event.setHeaders(new HashMap<>(headers));
        event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
        event.setPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters());
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(base64);
        return event;
    }

    private String rawQuery() {
        var parts = new java.util.ArrayList<String>();
        query.forEach((name, value) -> parts.add(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    /** API Gateway's route selection over the routes of the OpenAPI document: literal segments first. */
    static final class RouteMatcher {
        record Match(String routeKey, Map<String, String> pathParameters) {}

        static Match match(String method, String path) {
            String[] actual = path.substring(1).split("/", -1);
            Match best = null;
            for (Route route : Route.values()) {
                if (!route.method().equals(method)) {
                    continue;
                }
                String[] template = route.pathTemplate().substring(1).split("/");
                if (template.length != actual.length) {
                    continue;
                }
                Map<String, String> parameters = new HashMap<>();
                boolean matches = true;
                for (int i = 0; i < template.length && matches; i++) {
                    if (template[i].startsWith("{")) {
                        try {
                            parameters.put(template[i].substring(1, template[i].length() - 1),
                                    java.net.URLDecoder.decode(actual[i], java.nio.charset.StandardCharsets.UTF_8));
                            matches = !actual[i].isEmpty();
                        } catch (IllegalArgumentException malformedEncoding) {
                            matches = false;
                        }
                    } else {
                        matches = template[i].equals(actual[i]);
                    }
                }
                if (matches && (best == null || parameters.isEmpty())) {
                    best = new Match(route.routeKey(), parameters);
                }
            }
            return best != null ? best : new Match("$default", Map.of());
        }
    }
}
