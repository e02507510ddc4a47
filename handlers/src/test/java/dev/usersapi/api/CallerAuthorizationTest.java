package dev.usersapi.api;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.ApiRequests;
import dev.usersapi.testing.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The handler's own authorization, from the claims API Gateway's JWT authorizer passes: the
 * route's scope (403), ownership (another's user is 404, as a missing one), admin over all, and
 * no claims at all refused (401), so a route deployed without its authorizer fails closed.
 * One table for the class: every test works with subjects of its own.
 */
class CallerAuthorizationTest {
    private static final ApiFixture FIXTURE = new ApiFixture();
    private static final String BODY = "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";

    /** Every route, with the id of an existing user where it takes one. */
    private static final Map<Route, Function<String, ApiRequests>> ROUTES = Map.of(
            Route.CREATE_USER, id -> request("POST", "/users").json(BODY),
            Route.LIST_USERS, id -> request("GET", "/users"),
            Route.GET_USER, id -> request("GET", "/users/" + id),
            Route.UPDATE_USER, id -> request("PATCH", "/users/" + id).json("{\"age\":1}"),
            Route.DELETE_USER, id -> request("DELETE", "/users/" + id),
            Route.LEGACY_CREATE_USER, id -> request("POST", "/users/create").json(BODY),
            Route.LEGACY_UPDATE_USER, id -> request("PATCH", "/users/" + id + "/update")
                    .json("{\"id\":\"" + id + "\",\"createdAt\":" + createdAt(id) + ",\"age\":2}"),
            Route.LEGACY_DELETE_USER, id -> request("POST", "/users/" + id + "/delete")
                    .json("{\"id\":\"" + id + "\",\"createdAt\":" + createdAt(id) + "}"));

    private static long createdAt(String id) {
        return dev.usersapi.model.UserIds.keyOf(id).orElseThrow().createdAt();
    }

    private static String subject() {
        return "caller-" + UUID.randomUUID();
    }

    private static String createAs(String subject) {
        APIGatewayV2HTTPResponse created = FIXTURE.send(request("POST", "/users").json(BODY).as(subject, "users/write"));
        assertEquals(201, created.getStatusCode(), created.getBody());
        return ApiFixture.idOf(created.getBody());
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item(String id) {
        return FIXTURE.dynamo.client().getItem(get -> get.tableName(FIXTURE.table.tableName()).consistentRead(true)
                .key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id),
                        "createdAt", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(Long.toString(createdAt(id))))))
                .item();
    }

    @Test
    void withoutTheAuthorizersClaimsEveryRouteIs401() {
        String id = createAs(subject());
        ROUTES.forEach((route, build) -> {
            APIGatewayV2HTTPResponse response = FIXTURE.send(build.apply(id).withoutToken());
            assertEquals(401, response.getStatusCode(), route.name());
            assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
            assertEquals("Bearer", response.getHeaders().get("WWW-Authenticate"));
        });
        assertEquals(200, FIXTURE.send(request("GET", "/users/" + id)).getStatusCode(), "nothing changed");
    }

    /**
     * A browser's preflight reaches the handler through the stacks' unauthorized OPTIONS /{proxy+}
     * route, without claims: a known path answers 2xx, which API Gateway completes with the API's
     * CORS headers ("Configure CORS for HTTP APIs", API Gateway developer guide); any other status
     * fails the preflight and the browser blocks the call.
     */
    @Test
    void aPreflightWithoutATokenIs204OnEveryPathOfTheContract() {
        String id = createAs(subject());
        Map<String, String> allowed = Map.of("/users", "GET, POST", "/users/" + id, "DELETE, GET, PATCH", "/users/create", "DELETE, GET, PATCH, POST",
                "/users/" + id + "/update", "PATCH", "/users/" + id + "/delete", "POST");
        allowed.forEach((path, methods) -> {
            APIGatewayV2HTTPEvent event = request("OPTIONS", path).withoutToken().event();
            event.setRouteKey("OPTIONS /{proxy+}");
            event.setPathParameters(Map.of("proxy", path.substring(1)));
            APIGatewayV2HTTPResponse response = FIXTURE.api.handle(event);
            assertEquals(204, response.getStatusCode(), path + ": " + response.getBody());
            assertEquals(methods, response.getHeaders().get("Allow"), path);
        });
        assertEquals(404, FIXTURE.send(request("OPTIONS", "/nothing-here").withoutToken()).getStatusCode());
    }

    @Test
    void aTokenWithoutOneOfTheRoutesScopesIs403OnEveryRoute() {
        String owner = subject();
        String id = createAs(owner);
        ROUTES.forEach((route, build) -> {
            List<String> others = new java.util.ArrayList<>(List.of("users/read", "users/write", "users/admin"));
            others.removeAll(route.scopes());
            APIGatewayV2HTTPResponse response = FIXTURE.send(build.apply(id).as(owner, others.toArray(String[]::new)));
            assertEquals(403, response.getStatusCode(), route.name() + " with " + others);
            assertEquals("urn:users-api:problem:insufficient-scope", Json.parse(response.getBody()).get("type").asText());
            assertTrue(response.getHeaders().get("WWW-Authenticate").contains("error=\"insufficient_scope\""));
        });
        assertEquals("1", item(id).get("version").n(), "nothing changed");
    }

    @Test
    void listingAndSearchingByEmailNeedAdmin() {
        String caller = subject();
        createAs(caller);
        assertEquals(403, FIXTURE.send(request("GET", "/users").as(caller, "users/read", "users/write")).getStatusCode());
        assertEquals(403, FIXTURE.send(request("GET", "/users").query("email", "ada@example.com")
                .as(caller, "users/read", "users/write")).getStatusCode());
        assertEquals(200, FIXTURE.send(request("GET", "/users").query("email", "ada@example.com").as(caller, "users/admin")).getStatusCode());
    }

    @Test
    void anotherCallersUserIsNotFoundOnEveryRouteAndStaysUnchanged() {
        String id = createAs(subject());
        String stranger = subject();
        for (Route route : List.of(Route.GET_USER, Route.UPDATE_USER, Route.DELETE_USER, Route.LEGACY_UPDATE_USER, Route.LEGACY_DELETE_USER)) {
            APIGatewayV2HTTPResponse response = FIXTURE.send(ROUTES.get(route).apply(id).as(stranger, "users/read", "users/write"));
            assertEquals(404, response.getStatusCode(), route.name());
            assertEquals("urn:users-api:problem:user-not-found", Json.parse(response.getBody()).get("type").asText(),
                    "answered exactly as a missing user");
        }
        APIGatewayV2HTTPResponse staleStranger = FIXTURE.send(request("PATCH", "/users/" + id).json("{\"age\":1}").header("If-Match", "\"7\"")
                .as(stranger, "users/write"));
        assertEquals(404, staleStranger.getStatusCode(), "not 412: that would tell the user exists and its version");
        assertEquals("1", item(id).get("version").n());
    }

    @Test
    void theOwnerReadsChangesAndDeletesItsOwnAndEachChangeRecordsWhoMadeIt() {
        String owner = subject();
        String id = createAs(owner);
        assertEquals(owner, item(id).get("ownerId").s());
        assertEquals(owner, item(id).get("updatedBy").s());
        assertEquals(200, FIXTURE.send(ROUTES.get(Route.GET_USER).apply(id).as(owner, "users/read")).getStatusCode());
        assertEquals(200, FIXTURE.send(ROUTES.get(Route.UPDATE_USER).apply(id).as(owner, "users/write")).getStatusCode());
        assertEquals(200, FIXTURE.send(ROUTES.get(Route.LEGACY_UPDATE_USER).apply(id).as(owner, "users/write")).getStatusCode());

        String admin = subject();
        assertEquals(200, FIXTURE.send(request("PATCH", "/users/" + id).json("{\"name\":\"Grace\"}").as(admin, "users/admin")).getStatusCode());
        assertEquals(owner, item(id).get("ownerId").s(), "an admin's change keeps the owner");
        assertEquals(admin, item(id).get("updatedBy").s(), "and records who made it");

        assertEquals(200, FIXTURE.send(ROUTES.get(Route.LEGACY_DELETE_USER).apply(id).as(owner, "users/write")).getStatusCode());
        assertTrue(item(id) == null || item(id).isEmpty());
    }

    @Test
    void anAdminReachesEveryonesUsers() {
        String admin = subject();
        for (Route route : List.of(Route.GET_USER, Route.UPDATE_USER, Route.LEGACY_UPDATE_USER, Route.DELETE_USER)) {
            String id = createAs(subject());
            APIGatewayV2HTTPResponse response = FIXTURE.send(ROUTES.get(route).apply(id).as(admin, "users/admin"));
            assertTrue(response.getStatusCode() / 100 == 2, route.name() + ": " + response.getStatusCode());
        }
        assertEquals(200, FIXTURE.send(request("POST", "/users/create").json(BODY).as(admin, "users/admin")).getStatusCode());
    }

    @Test
    void scopesAreReadFromTheTokensScopeAndScpClaimsAndTheSubjectFallsBackToTheClientId() {
        var jwt = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                .withClaims(Map.of("client_id", "app-client-1", "scp", "[users/read users/admin]"))
                .withScopes(List.of("users/admin")).build();
        var event = request("GET", "/users").event();
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withJwt(jwt).build());
        Caller caller = Authorization.JWT.caller(event).orElseThrow();
        assertEquals("app-client-1", caller.subject());
        assertEquals(java.util.Set.of("users/read", "users/admin"), caller.scopes());

        var onlyRouteScopes = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                .withClaims(Map.of("sub", "someone", "scope", "users/read")).withScopes(List.of("users/admin")).build();
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withJwt(onlyRouteScopes).build());
        assertTrue(!Authorization.JWT.caller(event).orElseThrow().isAdmin(), "the event's scopes list grants nothing the token lacks");
    }

    @Test
    void jwtIsTheDefaultAndAnUnknownModeStopsTheFunction() {
        assertEquals(Authorization.JWT, Authorization.fromEnvironment(Map.of()));
        assertEquals(Authorization.JWT, Authorization.fromEnvironment(Map.of("USERS_AUTHORIZATION", "jwt")));
        assertEquals(Authorization.NONE, Authorization.fromEnvironment(Map.of("USERS_AUTHORIZATION", "none")));
        assertThrows(IllegalStateException.class, () -> Authorization.fromEnvironment(Map.of("USERS_AUTHORIZATION", "off")));
        assertThrows(IllegalStateException.class, () -> Authorization.fromEnvironment(
                Map.of("USERS_AUTHORIZATION", "none", "AWS_LAMBDA_FUNCTION_NAME", "users-api")), "never open on Lambda");
    }
}
