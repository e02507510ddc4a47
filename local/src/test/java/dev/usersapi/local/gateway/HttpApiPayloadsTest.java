package dev.usersapi.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.lambda.thirdparty.com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Requests become payload 2.0 events as API Gateway builds them, read back by the Lambda runtime's serializer. */
class HttpApiPayloadsTest {
    private final RouteTable routes = new RouteTable(OpenApiDocument.operations(ProjectLayout.current().openApiDocument()));

    private APIGatewayV2HTTPEvent event(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        return event(method, path, query, headers, body, Optional.empty());
    }

    private APIGatewayV2HTTPEvent event(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                                        Optional<Map<String, String>> claims) {
        var request = new HttpApiPayloads.Request(method, path, query, headers, body, "127.0.0.1", "HTTP/1.1");
        var route = routes.select(method, HttpApiPayloads.pathSegments(path));
        String json = new String(HttpApiPayloads.event(request, route, "req-1", Instant.ofEpochMilli(1_764_000_000_123L), 8080, claims),
                StandardCharsets.UTF_8);
        return JacksonFactory.getInstance().getSerializer(APIGatewayV2HTTPEvent.class).fromJson(json);
    }

    @Test
    void carriesTheAuthorizersClaimsAsApiGatewaysJwtAuthorizerDoes() {
        APIGatewayV2HTTPEvent event = event("GET", "/users/abc", "", Map.of(), new byte[0],
                Optional.of(Map.of("sub", "user-1", "scope", "users/read")));
        var jwt = event.getRequestContext().getAuthorizer().getJwt();
        assertEquals(Map.of("sub", "user-1", "scope", "users/read"), jwt.getClaims());
        assertEquals(null, jwt.getScopes(), "API Gateway passes scopes only for a route that names authorization scopes on the authorizer");
        assertEquals(null, event("GET", "/users/abc", "", Map.of(), new byte[0]).getRequestContext().getAuthorizer());
    }

    @Test
    void writesTheDocumentedFieldsOfPayloadTwo() throws Exception {
        var request = new HttpApiPayloads.Request("POST", "/users", "a=1", Map.of("content-type", List.of("application/json"),
                "cookie", List.of("c=1"), "user-agent", List.of("curl/8")), "{}".getBytes(StandardCharsets.UTF_8), "127.0.0.1", "HTTP/1.1");
        var route = routes.select("POST", HttpApiPayloads.pathSegments("/users"));
        var event = new ObjectMapper().readTree(HttpApiPayloads.event(request, route, "req-1", Instant.ofEpochMilli(1_764_000_000_123L),
                8080, Optional.of(Map.of("sub", "user-1"))));
        // The fields of AWS's example event, less those a local request has no value for (stageVariables,
        // mutual TLS's authentication, a route's path parameters; order in JSON carries no meaning):
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
        assertEquals(java.util.Set.of("version", "routeKey", "rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters",
                "requestContext", "body", "isBase64Encoded"), fieldNames(event));
        assertEquals(java.util.Set.of("accountId", "apiId", "authorizer", "domainName", "domainPrefix", "http", "requestId", "routeKey",
                "stage", "time", "timeEpoch"), fieldNames(event.get("requestContext")));
        assertEquals(java.util.Set.of("claims", "scopes"), fieldNames(event.get("requestContext").get("authorizer").get("jwt")));
        assertEquals(java.util.Set.of("method", "path", "protocol", "sourceIp", "userAgent"), fieldNames(event.get("requestContext").get("http")));
        assertTrue(event.get("requestContext").get("timeEpoch").isIntegralNumber());
        assertTrue(event.get("isBase64Encoded").isBoolean());
    }

    private static java.util.Set<String> fieldNames(com.amazonaws.lambda.thirdparty.com.fasterxml.jackson.databind.JsonNode node) {
        java.util.Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void selectsTheRouteAndItsPathParameters() {
        APIGatewayV2HTTPEvent event = event("GET", "/users/abc", "", Map.of(), new byte[0]);
        assertEquals("GET /users/{id}", event.getRouteKey());
        assertEquals(Map.of("id", "abc"), event.getPathParameters());
        assertEquals("2.0", event.getVersion());
        assertEquals("req-1", event.getRequestContext().getRequestId());
        assertEquals("GET", event.getRequestContext().getHttp().getMethod());
        assertEquals(1_764_000_000_123L, event.getRequestContext().getTimeEpoch());
        assertEquals("24/Nov/2025:16:00:00 +0000", event.getRequestContext().getTime());
    }

    @Test
    void prefersALiteralSegmentOverAParameter() {
        assertEquals("POST /users/create", event("POST", "/users/create", "", Map.of(), new byte[0]).getRouteKey());
        assertEquals("GET /users/{id}", event("GET", "/users/create", "", Map.of(), new byte[0]).getRouteKey());
    }

    @Test
    void sendsUnmatchedRequestsToTheDefaultRoute() {
        APIGatewayV2HTTPEvent event = event("PUT", "/users", "", Map.of(), new byte[0]);
        assertEquals("$default", event.getRouteKey());
        assertEquals(null, event.getPathParameters());
    }

    @Test
    void lowerCasesHeadersJoinsRepeatsAndTakesOutCookies() {
        APIGatewayV2HTTPEvent event = event("GET", "/users", "", Map.of(
                "X-Trace", List.of("a", "b"), "Cookie", List.of("session=1; theme=dark"), "User-Agent", List.of("curl/8")),
                new byte[0]);
        assertEquals("a,b", event.getHeaders().get("x-trace"));
        assertFalse(event.getHeaders().containsKey("cookie"));
        assertEquals(List.of("session=1", "theme=dark"), event.getCookies());
        assertEquals("curl/8", event.getRequestContext().getHttp().getUserAgent());
    }

    @Test
    void decodesQueryParametersAndJoinsRepeats() {
        APIGatewayV2HTTPEvent event = event("GET", "/users", "email=a%40b.co&limit=1&limit=2", Map.of(), new byte[0]);
        assertEquals("a@b.co", event.getQueryStringParameters().get("email"));
        assertEquals("1,2", event.getQueryStringParameters().get("limit"));
        assertEquals("email=a%40b.co&limit=1&limit=2", event.getRawQueryString());
    }

    @Test
    void passesTextBodiesAsTextAndOthersAsBase64() {
        APIGatewayV2HTTPEvent text = event("POST", "/users", "", Map.of("Content-Type", List.of("application/json")),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertFalse(text.getIsBase64Encoded());
        assertEquals("{\"a\":1}", text.getBody());

        byte[] bytes = {(byte) 0xff, 0, 1};
        APIGatewayV2HTTPEvent binary = event("POST", "/users", "", Map.of("Content-Type", List.of("image/png")), bytes);
        assertTrue(binary.getIsBase64Encoded());
        assertEquals(Base64.getEncoder().encodeToString(bytes), binary.getBody());
    }

    @Test
    void readsAResponseAsApiGatewayDoes() throws Exception {
        var response = HttpApiPayloads.response(new ObjectMapper().writeValueAsBytes(Map.of(
                "statusCode", 201, "headers", Map.of("ETag", "\"1\""), "cookies", List.of("a=1"), "body", "{}", "isBase64Encoded", false)));
        assertEquals(201, response.status());
        assertEquals("\"1\"", response.headers().get("ETag"));
        assertEquals(List.of("a=1"), response.cookies());
        assertEquals("{}", new String(response.body(), StandardCharsets.UTF_8));

        var bare = HttpApiPayloads.response("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, bare.status(), "without a statusCode the JSON itself is the body");
        assertEquals("{\"hello\":\"world\"}", new String(bare.body(), StandardCharsets.UTF_8));
        assertEquals(200, HttpApiPayloads.response("[1]".getBytes(StandardCharsets.UTF_8)).status());
    }

    @Test
    void readsAResponseWhateverTheOrderOfItsFieldsAndSkipsTheOnesApiGatewayIgnores() throws Exception {
        // As the Lambda runtime's serializer writes APIGatewayV2HTTPResponse: every field, nulls included.
        var response = HttpApiPayloads.response(("{\"body\":\"AAE=\",\"multiValueHeaders\":{\"x\":[\"1\",\"2\"]},\"cookies\":null,"
                + "\"headers\":{\"Content-Type\":\"image/png\"},\"isBase64Encoded\":true,\"statusCode\":200}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status());
        assertEquals(Map.of("Content-Type", "image/png"), response.headers());
        assertEquals(List.of(), response.cookies());
        assertEquals(List.of(0, 1), List.of((int) response.body()[0], (int) response.body()[1]));

        var noBody = HttpApiPayloads.response("{\"statusCode\":204,\"body\":null}".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, noBody.status());
        assertEquals(0, noBody.body().length);
    }
}
