package dev.usersapi.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operations of {@code api/openapi.yaml}, one constant each. The handler dispatches on these;
 * a test proves this list and the OpenAPI document name the same operations, so neither can
 * gain a route the other lacks.
 */
public enum Route {
    CREATE_USER("createUser", "POST", "/users", Set.of(), Scopes.WRITE),
    LIST_USERS("listUsers", "GET", "/users", Set.of("limit", "cursor", "email"), Scopes.ADMIN_ONLY),
    GET_USER("getUser", "GET", "/users/{id}", Set.of(), Scopes.READ),
    UPDATE_USER("updateUser", "PATCH", "/users/{id}", Set.of(), Scopes.WRITE),
    DELETE_USER("deleteUser", "DELETE", "/users/{id}", Set.of(), Scopes.WRITE),
    LEGACY_CREATE_USER("legacyCreateUser", "POST", "/users/create", Set.of(), Scopes.WRITE),
    LEGACY_UPDATE_USER("legacyUpdateUser", "PATCH", "/users/{id}/update", Set.of(), Scopes.WRITE),
    LEGACY_DELETE_USER("legacyDeleteUser", "POST", "/users/{id}/delete", Set.of(), Scopes.WRITE);

    /** The OAuth scopes of the {@code users} resource server, and which of them admit each kind of route. */
    public static final class Scopes {
        public static final String READ_SCOPE = "users/read";
        public static final String WRITE_SCOPE = "users/write";
        public static final String ADMIN_SCOPE = "users/admin";
        /** Every scope of the contract's resource server: what a local administrator's token holds. */
        public static final List<String> ALL = List.of(READ_SCOPE, WRITE_SCOPE, ADMIN_SCOPE);
        static final List<String> READ = List.of(READ_SCOPE, ADMIN_SCOPE);
        static final List<String> WRITE = List.of(WRITE_SCOPE, ADMIN_SCOPE);
        static final List<String> ADMIN_ONLY = List.of(ADMIN_SCOPE);

        private Scopes() {}
    }

    private static final Map<String, Route> BY_ROUTE_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Route::routeKey, Function.identity()));

    private final String operationId;
    private final String method;
    private final String pathTemplate;
    private final Set<String> queryParameters;
    private final List<String> segments;
    private final List<String> scopes;

    Route(String operationId, String method, String pathTemplate, Set<String> queryParameters, List<String> scopes) {
        this.scopes = scopes;
        this.operationId = operationId;
        this.method = method;
        this.pathTemplate = pathTemplate;
        this.queryParameters = queryParameters;
        this.segments = List.of(pathTemplate.substring(1).split("/"));
    }

    public String operationId() {
        return operationId;
    }

    public String method() {
        return method;
    }

    public String pathTemplate() {
        return pathTemplate;
    }

    public Set<String> queryParameters() {
        return queryParameters;
    }

    /** The scopes any one of which admits a caller to this route, as the contract lists them. */
    public List<String> scopes() {
        return scopes;
    }

    /** API Gateway's name for the route: {@code "GET /users/{id}"}. */
    public String routeKey() {
        return method + " " + pathTemplate;
    }

    public static Optional<Route> byRouteKey(String routeKey) {
        return Optional.ofNullable(BY_ROUTE_KEY.get(routeKey));
    }

    /**
     * The path parameter {@code id} when {@code path} fits this route's template, as API Gateway
     * matches it: literal segments win over {@code {id}}, so {@code /users/create} is not a user.
     */
    Optional<Map<String, String>> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new java.util.HashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            String actual = pathSegments.get(i);
            if (expected.startsWith("{")) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    boolean isLiteral() {
        return !pathTemplate.contains("{");
    }
}
