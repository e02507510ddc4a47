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
import org.junit.jupiter.api.Test;

/** Requests become payload 2.0 events as API Gateway builds them, read back by the Lambda runtime's serializer. */
class HttpApiPayloadsTest {
    private final RouteTable routes = new RouteTable(OpenApiDocument.operations(ProjectLayout.current().openApiDocument()));

    private APIGatewayV2HTTPEvent event(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        var request = new HttpApiPayloads.Request(method, path, query, headers, body, "127.0.0.1", "HTTP/1.1");
        var route = routes.select(method, HttpApiPayloads.pathSegments(path));
        String json = HttpApiPayloads.event(request, route, "req-1", Instant.ofEpochMilli(1_764_000_000_123L), 8080).toString();
        return JacksonFactory.getInstance().getSerializer(APIGatewayV2HTTPEvent.class).fromJson(json);
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
    }
}
