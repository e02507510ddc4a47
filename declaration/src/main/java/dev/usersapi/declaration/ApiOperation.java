package dev.usersapi.declaration;

/** One operation of the OpenAPI document: what API Gateway calls a route. */
public record ApiOperation(String operationId, String method, String path, boolean deprecated) {
    /** API Gateway's route key, {@code "GET /users/{id}"}. */
    public String routeKey() {
        return method + " " + path;
    }
}
