package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.aws.apigatewayv2.Api;
import com.pulumi.aws.apigatewayv2.Integration;
import com.pulumi.aws.apigatewayv2.Route;
import com.pulumi.aws.apigatewayv2.Stage;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.Permission;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API each stack deploys, against the OpenAPI document. */
class HttpApiTest {
    private static List<Route> routes(String stack) {
        return StackRuns.of(stack).all(Route.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyOpenApiOperationIsOneRouteAndUnknownRequestsReachTheHandler(String stack) {
        Set<String> expected = OpenApiDocument.operations(ProjectLayout.current().openApiDocument()).stream()
                .map(ApiOperation::routeKey).collect(Collectors.toCollection(HashSet::new));
        expected.add("$default");
        if (StackSettings.from(dev.usersapi.declaration.StackFile.load(ProjectLayout.current(), stack)).api().cors().isPresent()) {
            expected.add("OPTIONS /{proxy+}");
        }
        List<String> deployed = routes(stack).stream().map(route -> value(route.routeKey())).toList();
        assertEquals(expected, Set.copyOf(deployed));
        assertEquals(deployed.size(), Set.copyOf(deployed).size(), "no route twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void routesProxyToTheLiveAliasWithPayloadFormat2(String stack) {
        Integration integration = StackRuns.of(stack).one(Integration.class);
        assertEquals("AWS_PROXY", value(integration.integrationType()));
        assertEquals(Optional.of("2.0"), value(integration.payloadFormatVersion()));
        Alias apiAlias = StackRuns.of(stack).named(Alias.class, "users-api-live");
        assertEquals(Optional.of(value(apiAlias.arn())), value(integration.integrationUri()));
        String target = "integrations/" + value(integration.id());
        routes(stack).forEach(route -> assertEquals(Optional.of(target), value(route.target())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void onlyThisApiMayInvokeTheFunction(String stack) {
        Permission permission = StackRuns.of(stack).one(Permission.class);
        String executionArn = value(StackRuns.of(stack).one(Api.class).executionArn());
        assertEquals("apigateway.amazonaws.com", value(permission.principal()));
        assertEquals(Optional.of(executionArn + "/*/*"), value(permission.sourceArn()));
        assertEquals(Optional.of("live"), value(permission.qualifier()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void stageThrottlesAndWritesAccessLogs(String stack) {
        Stage stage = StackRuns.of(stack).one(Stage.class);
        var settings = StackSettings.from(dev.usersapi.declaration.StackFile.load(ProjectLayout.current(), stack)).api();
        var route = value(stage.defaultRouteSettings()).orElseThrow();
        assertEquals(Optional.of(settings.throttleBurstLimit()), route.throttlingBurstLimit());
        assertEquals(Optional.of(settings.throttleRateLimit()), route.throttlingRateLimit());
        var logs = value(stage.accessLogSettings()).orElseThrow();
        assertTrue(logs.destinationArn().startsWith("arn:aws:logs:"));
        assertTrue(logs.format().contains("$context.requestId"));
        assertEquals(Optional.of(true), value(stage.autoDeploy()));
    }

    /**
     * Finding 1 of the deploy review. A browser's preflight carries no token: where the API has a
     * CORS configuration, the unauthorized OPTIONS /{proxy+} route catches it before the JWT
     * {@code $default} route would refuse it 401 without CORS headers (API Gateway developer guide,
     * "Configure CORS for HTTP APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html:
     * "add an OPTIONS /{proxy+} route to your API that doesn't require authorization"). It is the
     * only route without the authorizer, and exists nowhere without CORS.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void aPreflightReachesAnUnauthorizedOptionsRouteWhereCorsIsSetAndNowhereElse(String stack) {
        boolean cors = StackSettings.from(dev.usersapi.declaration.StackFile.load(ProjectLayout.current(), stack)).api().cors().isPresent();
        List<String> open = routes(stack).stream()
                .filter(route -> !value(route.authorizationType()).orElse("NONE").equals("JWT"))
                .map(route -> value(route.routeKey()) + " " + value(route.authorizationType()).orElse("NONE")).toList();
        assertEquals(cors ? List.of("OPTIONS /{proxy+} NONE") : List.of(), open);
        assertEquals(stack.equals("dev"), cors, "dev names a browser front end's origin; staging and prod none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void corsAllowsTheConfiguredOrigins(String stack) {
        var cors = value(StackRuns.of(stack).one(Api.class).corsConfiguration()).orElseThrow();
        assertEquals(List.of("http://localhost:3000"), cors.allowOrigins());
        assertTrue(cors.exposeHeaders().contains("etag"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void corsIsOffWhereNotConfigured(String stack) {
        // Under mocks an absent input resolves to null rather than an empty Optional.
        var cors = value(StackRuns.of(stack).one(Api.class).corsConfiguration());
        assertTrue(cors == null || cors.isEmpty(), "no CORS configuration");
    }
}
