package dev.usersapi.declaration;

import java.util.List;

/**
 * One operation of the OpenAPI document: what API Gateway calls a route. {@code scopes} are the
 * OAuth scopes any one of which admits a caller: the route's {@code authorizationScopes}.
 */
public record ApiOperation(String operationId, String method, String path, boolean deprecated, List<String> scopes) {
    public ApiOperation {
        scopes = List.copyOf(scopes);
    }

    public ApiOperation(String operationId, String method, String path, boolean deprecated) {
        this(operationId, method, path, deprecated, List.of());
    }

    /** API Gateway's route key, {@code "GET /users/{id}"}. */
    public String routeKey() {
        return method + " " + path;
    }
}
