package dev.usersapi.api;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.ApiRequests;
import dev.usersapi.testing.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each class of bad input gets its 4xx as an RFC 9457 problem, naming the offending input, and
 * leaves the table exactly as it was. {@code {id}} in a path stands for an existing user's id.
 */
class BadInputTest {
    private static final String OVERSIZED = "{\"name\":\"" + "x".repeat(17 * 1024) + "\",\"email\":\"a@b.co\"}";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("malformed JSON", 400, "", r("POST", "/users").json("{\"name\":\"Ada\",")),
                bad("a body that is not an object", 400, "", r("POST", "/users").json("[1,2]")),
                bad("two JSON values", 400, "", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\"} {}")),
                bad("a duplicate key", 400, "", r("POST", "/users").json("{\"name\":\"A\",\"name\":\"B\",\"email\":\"a@b.co\"}")),
                bad("invalid UTF-8", 400, "", r("POST", "/users").header("content-type", "application/json")
                        .base64Body(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})),
                bad("no body", 400, "", r("POST", "/users").header("content-type", "application/json")),
                bad("a missing name", 400, "/name", r("POST", "/users").json("{\"email\":\"a@b.co\"}")),
                bad("a name of the wrong type", 400, "/name", r("POST", "/users").json("{\"name\":42,\"email\":\"a@b.co\"}")),
                bad("a blank name", 400, "/name", r("POST", "/users").json("{\"name\":\"  \",\"email\":\"a@b.co\"}")),
                bad("an overlong name", 400, "/name", r("POST", "/users").json("{\"name\":\"" + "n".repeat(201) + "\",\"email\":\"a@b.co\"}")),
                bad("an invalid email", 400, "/email", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"not-an-email\"}")),
                bad("a fractional age", 400, "/age", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\",\"age\":30.5}")),
                bad("an age as a string", 400, "/age", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\",\"age\":\"30\"}")),
                bad("a negative age", 400, "/age", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\",\"age\":-1}")),
                bad("a huge age", 400, "/age", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\",\"age\":99999999999999999999999}")),
                bad("a nested object", 400, "/name", r("POST", "/users").json("{\"name\":{\"first\":\"A\"},\"email\":\"a@b.co\"}")),
                bad("deep nesting", 400, "", r("POST", "/users").json("{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + "}")),
                bad("an unknown field", 400, "/role", r("POST", "/users").json("{\"name\":\"A\",\"email\":\"a@b.co\",\"role\":\"admin\"}")),
                bad("a server-set field", 400, "/id", r("POST", "/users").json("{\"id\":\"x\",\"name\":\"A\",\"email\":\"a@b.co\"}")),
                bad("an oversized body", 413, null, r("POST", "/users").json(OVERSIZED)),
                bad("an oversized base64 body", 413, null, r("POST", "/users").header("content-type", "application/json")
                        .base64Body(OVERSIZED.getBytes(StandardCharsets.UTF_8))),
                bad("a form body", 415, null, r("POST", "/users").header("content-type", "application/x-www-form-urlencoded").body("name=A")),
                bad("no content type", 415, null, r("POST", "/users").body("{\"name\":\"A\",\"email\":\"a@b.co\"}")),
                bad("a non-UTF-8 charset", 415, null, r("POST", "/users").header("content-type", "application/json; charset=latin1")
                        .body("{\"name\":\"A\",\"email\":\"a@b.co\"}")),
                bad("an empty update", 400, "", r("PATCH", "/users/{id}").json("{}")),
                bad("an update of a server-set field", 400, "/version", r("PATCH", "/users/{id}").json("{\"version\":9}")),
                bad("an update with a null name", 400, "/name", r("PATCH", "/users/{id}").json("{\"name\":null}")),
                bad("a malformed If-Match", 400, null, r("PATCH", "/users/{id}").header("If-Match", "1").json("{\"name\":\"B\"}")),
                bad("a malformed If-Match on delete", 400, null, r("DELETE", "/users/{id}").header("If-Match", "\"abc\"")),
                bad("a limit of zero", 400, null, r("GET", "/users").query("limit", "0")),
                bad("a limit over the maximum", 400, null, r("GET", "/users").query("limit", "101")),
                bad("a limit that is not a number", 400, null, r("GET", "/users").query("limit", "ten")),
                bad("a cursor that is not base64", 400, null, r("GET", "/users").query("cursor", "!!!")),
                bad("a tampered cursor", 400, null, r("GET", "/users").query("cursor",
                        Base64.getUrlEncoder().encodeToString("u1\nnot-a-uuid\n1\n*".getBytes(StandardCharsets.UTF_8)))),
                bad("a cursor of another query", 400, null, r("GET", "/users").query("email", "a@b.co").query("cursor",
                        Base64.getUrlEncoder().withoutPadding().encodeToString(
                                "u1\n019a0000-0000-7000-8000-000000000000\n1760000000000\n*".getBytes(StandardCharsets.UTF_8)))),
                bad("an invalid email filter", 400, null, r("GET", "/users").query("email", "nobody")),
                bad("an unknown query parameter", 400, null, r("GET", "/users").query("emial", "a@b.co")),
                bad("an unknown route", 404, null, r("GET", "/accounts")),
                bad("a route below a user that does not exist", 404, null, r("GET", "/users/{id}/friends")),
                bad("an unsupported method", 405, null, r("PUT", "/users/{id}")),
                bad("an unsupported method on the collection", 405, null, r("DELETE", "/users")),
                bad("an id that is not a UUID", 404, null, r("GET", "/users/not-a-uuid")),
                bad("an upper-case id", 404, null, r("GET", "/users/{ID}")),
                bad("an overlong id", 404, null, r("GET", "/users/" + "a".repeat(2000))),
                bad("a path traversal", 404, null, r("GET", "/users/..%2F..%2Fetc%2Fpasswd")),
                bad("a legacy update without the key", 400, "/createdAt", r("PATCH", "/users/{id}/update").json("{\"id\":\"{id}\",\"name\":\"B\"}")),
                bad("a legacy delete with a negative createdAt", 400, "/createdAt", r("POST", "/users/{id}/delete")
                        .json("{\"id\":\"{id}\",\"createdAt\":-5}")));
    }

    @ParameterizedTest(name = "{0} gets {1}")
    @MethodSource("badRequests")
    void answersAProblemAndChangesNothing(String what, int status, String pointer, Function<String, ApiRequests> request) {
        ApiFixture fixture = new ApiFixture();
        String id = fixture.createUser("{\"name\":\"Existing\",\"email\":\"existing@example.com\",\"age\":30}");
        String before = fixture.send(request("GET", "/users/" + id)).getBody();

        APIGatewayV2HTTPResponse response = fixture.send(request.apply(id));

        assertEquals(status, response.getStatusCode(), () -> what + ": " + response.getBody());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        JsonNode problem = Json.parse(response.getBody());
        assertEquals(status, problem.get("status").asInt());
        assertTrue(problem.get("type").asText().startsWith("urn:users-api:problem:"));
        assertTrue(!problem.get("title").asText().isEmpty() && !problem.get("detail").asText().isEmpty());
        if (pointer != null) {
            assertEquals(pointer, problem.get("errors").get(0).get("pointer").asText(), response.getBody());
        }
        if (status == 405) {
            assertTrue(response.getHeaders().containsKey("Allow"));
        }
        assertEquals(1, fixture.storedItems());
        assertEquals(before, fixture.send(request("GET", "/users/" + id)).getBody(), "the user is unchanged");
    }

    private static Arguments bad(String what, int status, String pointer, Template template) {
        return Arguments.of(what, status, pointer, (Function<String, ApiRequests>) template::with);
    }

    private static Template r(String method, String path) {
        return new Template(method, path);
    }

    /** A request whose path and body may name the existing user as {id} (or {ID}, upper-cased). */
    static final class Template {
        private final String method;
        private final String path;
        private final java.util.List<java.util.function.BiConsumer<ApiRequests, String>> steps = new java.util.ArrayList<>();

        Template(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Template json(String json) {
            steps.add((request, id) -> request.json(json.replace("{id}", id)));
            return this;
        }

        Template body(String body) {
            steps.add((request, id) -> request.body(body));
            return this;
        }

        Template base64Body(byte[] bytes) {
            steps.add((request, id) -> request.base64Body(bytes));
            return this;
        }

        Template header(String name, String value) {
            steps.add((request, id) -> request.header(name, value));
            return this;
        }

        Template query(String name, String value) {
            steps.add((request, id) -> request.query(name, value));
            return this;
        }

        ApiRequests with(String id) {
            ApiRequests request = ApiRequests.request(method,
                    path.replace("{id}", id).replace("{ID}", id.toUpperCase(java.util.Locale.ROOT)));
            steps.forEach(step -> step.accept(request, id));
            return request;
        }
    }
}
