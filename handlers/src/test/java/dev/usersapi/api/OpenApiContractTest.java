package dev.usersapi.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is the API's single source of truth; the handler must agree with it. */
class OpenApiContractTest {
    private static final SwaggerParseResult PARSED = parse();
    private static final OpenAPI API = PARSED.getOpenAPI();

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        return new OpenAPIV3Parser().readLocation(
                ProjectLayout.current().openApiDocument().toUri().toString(), null, options);
    }

    @Test
    void documentIsValidOpenApi3() {
        assertTrue(PARSED.getMessages() == null || PARSED.getMessages().isEmpty(), () -> "problems: " + PARSED.getMessages());
        assertTrue(API.getOpenapi().startsWith("3."));
    }

    @Test
    void handlerServesExactlyTheDocumentedOperations() {
        Map<String, String> documented = new TreeMap<>();
        API.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                documented.put(operation.getOperationId(), method.name() + " " + path)));
        Map<String, String> served = Arrays.stream(Route.values())
                .collect(Collectors.toMap(Route::operationId, Route::routeKey, (a, b) -> a, TreeMap::new));
        assertEquals(documented, served);
    }

    @Test
    void sampleRoutesAreDeprecatedAndNoOthers() {
        Set<String> deprecated = new java.util.TreeSet<>();
        API.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            if (Boolean.TRUE.equals(operation.getDeprecated())) {
                deprecated.add(operation.getOperationId());
            }
        }));
        assertEquals(Set.of("legacyCreateUser", "legacyUpdateUser", "legacyDeleteUser"), deprecated);
    }

    /**
     * The handler checks the same scopes API Gateway's routes are given (the program reads them
     * from the document through OpenApiDocument), and every operation, the deprecated ones too,
     * needs one: API Gateway accepts ID tokens on a route without authorizationScopes.
     */
    @Test
    void everyOperationNeedsAScopeAndTheHandlerChecksTheDocumentedOnes() {
        Map<String, java.util.List<String>> documented = new TreeMap<>();
        dev.usersapi.declaration.OpenApiDocument.operations(ProjectLayout.current().openApiDocument())
                .forEach(operation -> documented.put(operation.operationId(), operation.scopes()));
        Map<String, java.util.List<String>> checked = Arrays.stream(Route.values())
                .collect(Collectors.toMap(Route::operationId, Route::scopes, (a, b) -> a, TreeMap::new));
        assertEquals(documented, checked);
        documented.forEach((operation, scopes) -> assertTrue(!scopes.isEmpty(), operation + " names no scope"));
        var declared = API.getComponents().getSecuritySchemes().get("usersAuth").getFlows().getClientCredentials().getScopes().keySet();
        assertEquals(Set.of(Route.Scopes.READ_SCOPE, Route.Scopes.WRITE_SCOPE, Route.Scopes.ADMIN_SCOPE), declared);
    }

    @Test
    void documentedQueryParametersAreTheOnesTheHandlerAccepts() {
        for (Route route : Route.values()) {
            var operation = API.getPaths().get(route.pathTemplate()).readOperationsMap()
                    .get(io.swagger.v3.oas.models.PathItem.HttpMethod.valueOf(route.method()));
            Set<String> query = operation.getParameters() == null ? Set.of() : operation.getParameters().stream()
                    .filter(parameter -> "query".equals(parameter.getIn()))
                    .map(io.swagger.v3.oas.models.parameters.Parameter::getName)
                    .collect(Collectors.toSet());
            assertEquals(route.queryParameters(), query, route.operationId());
        }
    }

    @Test
    void documentedLimitsAreTheEnforcedLimits() {
        Schema<?> newUser = API.getComponents().getSchemas().get("NewUser");
        Map<String, Schema> properties = newUser.getProperties();
        assertEquals(RequestLimits.MAX_NAME_LENGTH, properties.get("name").getMaxLength());
        assertEquals(RequestLimits.MAX_EMAIL_LENGTH, properties.get("email").getMaxLength());
        assertEquals(new BigDecimal(RequestLimits.MIN_AGE), properties.get("age").getMinimum());
        assertEquals(new BigDecimal(RequestLimits.MAX_AGE), properties.get("age").getMaximum());
        assertEquals(Set.of("name", "email"), Set.copyOf(newUser.getRequired()));

        var limit = API.getPaths().get("/users").getGet().getParameters().stream()
                .filter(parameter -> parameter.getName().equals("limit")).findFirst().orElseThrow().getSchema();
        assertEquals(new BigDecimal(RequestLimits.MAX_PAGE_SIZE), limit.getMaximum());
        assertEquals(RequestLimits.DEFAULT_PAGE_SIZE, ((Number) limit.getDefault()).intValue());
        var cursor = API.getPaths().get("/users").getGet().getParameters().stream()
                .filter(parameter -> parameter.getName().equals("cursor")).findFirst().orElseThrow().getSchema();
        assertEquals(RequestLimits.MAX_CURSOR_LENGTH, cursor.getMaxLength());
    }

    @Test
    void everyOperationDocumentsItsErrorsAsProblems() {
        API.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            operation.getResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.equals("default")) {
                    assertTrue(response.getContent().containsKey("application/problem+json"),
                            operation.getOperationId() + " " + status);
                }
            });
        }));
    }
}
