package dev.usersapi.stacks;

import com.pulumi.aws.apigatewayv2.Api;
import com.pulumi.aws.apigatewayv2.ApiArgs;
import com.pulumi.aws.apigatewayv2.Authorizer;
import com.pulumi.aws.apigatewayv2.AuthorizerArgs;
import com.pulumi.aws.apigatewayv2.Integration;
import com.pulumi.aws.apigatewayv2.IntegrationArgs;
import com.pulumi.aws.apigatewayv2.Route;
import com.pulumi.aws.apigatewayv2.RouteArgs;
import com.pulumi.aws.apigatewayv2.Stage;
import com.pulumi.aws.apigatewayv2.StageArgs;
import com.pulumi.aws.apigatewayv2.inputs.ApiCorsConfigurationArgs;
import com.pulumi.aws.apigatewayv2.inputs.AuthorizerJwtConfigurationArgs;
import com.pulumi.aws.apigatewayv2.inputs.StageAccessLogSettingsArgs;
import com.pulumi.aws.apigatewayv2.inputs.StageDefaultRouteSettingsArgs;
import com.pulumi.aws.apigatewayv2.inputs.StageRouteSettingArgs;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.lambda.Permission;
import com.pulumi.aws.lambda.PermissionArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.CorsDeclaration;
import dev.usersapi.declaration.StackDeclarationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API: one route per operation of the OpenAPI document, plus the catch-all
 * {@code $default} route, so that unknown paths and methods reach the handler and get its
 * problem+json 404 and 405, and, where the stack allows cross-origin callers, the browsers'
 * preflight route ({@link #PREFLIGHT_ROUTE}). All routes go to the API function's {@code live} alias with payload
 * format 2.0, and every route but the preflight one, on every stage, requires an access token of
 * the stack's issuer with one of the scopes the contract names for its operation.
 */
public final class UsersHttpApi extends ComponentResource {
    static final String DEFAULT_ROUTE = "$default";
    /**
     * The one route without an authorizer, declared only where the API has a CORS configuration:
     * a browser's preflight carries no Authorization header, and without this route it falls to
     * {@code $default}, whose JWT authorizer answers 401 with no CORS headers, so the browser blocks
     * every cross-origin call. API Gateway developer guide, "Configure CORS for HTTP APIs"
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html): the $default
     * route catches OPTIONS requests too; to support unauthorized OPTIONS requests, add an
     * OPTIONS /{proxy+} route that doesn't require authorization. It reaches the handler, which
     * answers a known path's OPTIONS with 204; API Gateway adds the configured CORS headers to it.
     */
    static final String PREFLIGHT_ROUTE = CorsDeclaration.PREFLIGHT_ROUTE_KEY;
    /**
     * The access log line: one JSON object per request, as CloudWatch Logs Insights reads them. It
     * names the caller (the token's {@code sub}, and {@code client_id} for Cognito's client
     * credentials), the Lambda request id beside API Gateway's ({@code $context.integration.requestId},
     * the id the function's own log lines carry), and why an authorizer refused. Variables from
     * API Gateway's "Customize HTTP API access logs".
     */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"apiId\":\"$context.apiId\","
            + "\"lambdaRequestId\":\"$context.integration.requestId\",\"ip\":\"$context.identity.sourceIp\","
            + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
            + "\"caller\":\"$context.authorizer.claims.sub\",\"clientId\":\"$context.authorizer.claims.client_id\","
            + "\"authorizerError\":\"$context.authorizer.error\","
            + "\"responseLength\":\"$context.responseLength\",\"latency\":\"$context.responseLatency\","
            + "\"integrationError\":\"$context.integrationErrorMessage\"}";

    /** The JWT authorizer's issuer and audiences: the Cognito pool the program creates, or the stack's own. */
    public record Jwt(Output<String> issuer, Output<List<String>> audiences) {
        static Jwt of(StackSettings.Jwt external) {
            return new Jwt(Output.of(external.issuer()), Output.of(external.audiences()));
        }
    }

    private final Api api;
    private final Stage stage;
    private final LogGroup accessLogs;
    private final List<Route> routes = new ArrayList<>();
    private final Permission invoke;
    private final Output<String> aliasArn;

    public UsersHttpApi(String name, List<ApiOperation> operations, JavaFunction function, StackSettings.Api settings, Jwt jwt,
                        Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:api:UsersHttpApi", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();

        var apiArgs = ApiArgs.builder().protocolType("HTTP").description("users-api").tags(tags);
        settings.cors().ifPresent(cors -> apiArgs.corsConfiguration(ApiCorsConfigurationArgs.builder()
                .allowOrigins(cors.allowOrigins())
                .allowMethods(CorsDeclaration.ALLOW_METHODS)
                .allowHeaders(CorsDeclaration.ALLOW_HEADERS)
                .exposeHeaders(CorsDeclaration.EXPOSE_HEADERS)
                .maxAge(cors.maxAgeSeconds())
                .build()));
        this.api = new Api(name, apiArgs.build(), children);

        Integration integration = new Integration(name + "-integration", IntegrationArgs.builder()
                .apiId(api.id())
                .integrationType("AWS_PROXY")
                .integrationUri(function.aliasArn())
                .payloadFormatVersion("2.0")
                .build(), children);

        Authorizer authorizer = new Authorizer(name + "-jwt", AuthorizerArgs.builder()
                .apiId(api.id())
                .authorizerType("JWT")
                .identitySources("$request.header.Authorization")
                .jwtConfiguration(AuthorizerJwtConfigurationArgs.builder()
                        .issuer(jwt.issuer())
                        .audiences(jwt.audiences())
                        .build())
                .build(), children);

        for (var route : routeScopes(operations).entrySet()) {
            routes.add(new Route(name + "-route-" + logicalName(route.getKey()), RouteArgs.builder()
                    .apiId(api.id())
                    .routeKey(route.getKey())
                    .target(integration.id().applyValue(id -> "integrations/" + id))
                    .authorizationType("JWT")
                    .authorizerId(authorizer.id())
                    .authorizationScopes(route.getValue())
                    .build(), children));
        }

        if (settings.cors().isPresent()) {
            routes.add(new Route(name + "-route-" + logicalName(PREFLIGHT_ROUTE), RouteArgs.builder()
                    .apiId(api.id())
                    .routeKey(PREFLIGHT_ROUTE)
                    .target(integration.id().applyValue(id -> "integrations/" + id))
                    .authorizationType("NONE")
                    .build(), children));
        }

        Set<String> routeKeys = routeScopes(operations).keySet();
        for (String throttled : settings.routeThrottles().keySet()) {
            if (!routeKeys.contains(throttled)) {
                throw new IllegalArgumentException("users-api:api.routeThrottles names " + throttled
                        + ", which is no route of api/openapi.yaml: " + routeKeys);
            }
        }
        this.accessLogs = new LogGroup(name + "-access-logs", LogGroupArgs.builder()
                .retentionInDays(settings.accessLogRetentionDays())
                .tags(tags)
                .build(), children);
        this.stage = new Stage(name + "-stage", StageArgs.builder()
                .apiId(api.id())
                .name("$default")
                .autoDeploy(true)
                .defaultRouteSettings(StageDefaultRouteSettingsArgs.builder()
                        .throttlingBurstLimit(settings.throttleBurstLimit())
                        .throttlingRateLimit(settings.throttleRateLimit())
                        .detailedMetricsEnabled(true)
                        .build())
                // List and email search scan or query many items per call; reads by id take the stage's throttle.
                .routeSettings(settings.routeThrottles().entrySet().stream().map(route -> StageRouteSettingArgs.builder()
                        .routeKey(route.getKey())
                        .throttlingBurstLimit(route.getValue().burstLimit())
                        .throttlingRateLimit(route.getValue().rateLimit())
                        .detailedMetricsEnabled(true)
                        .build()).toList())
                .accessLogSettings(StageAccessLogSettingsArgs.builder()
                        .destinationArn(accessLogs.arn())
                        .format(ACCESS_LOG_FORMAT)
                        .build())
                .tags(tags)
                .build(), CustomResourceOptions.builder().parent(this).dependsOn(new ArrayList<>(routes)).build());

        this.aliasArn = function.aliasArn();
        this.invoke = new Permission(name + "-invoke", PermissionArgs.builder()
                .action("lambda:InvokeFunction")
                .function(function.functionName())
                .qualifier(function.aliasName())
                .principal("apigateway.amazonaws.com")
                .sourceArn(api.executionArn().applyValue(arn -> arn + "/*/*"))
                .build(), children);
        registerOutputs(Map.of("url", api.apiEndpoint()));
    }

    public Output<String> url() {
        return api.apiEndpoint();
    }

    public Output<String> id() {
        return api.id();
    }

    public Output<String> accessLogGroupName() {
        return accessLogs.name();
    }

    /**
     * The API's URL, resolved only once everything a request passes through is in place: the
     * stage, every route, the invoke permission and the function's alias (which points at the
     * version just published). During an update an output resolves after its resource's step,
     * so whatever applies over this runs after the API and its function were updated.
     */
    public Output<String> deployedUrl() {
        List<Output<String>> parts = new ArrayList<>(List.of(api.apiEndpoint(), stage.id(), invoke.id(), aliasArn));
        routes.forEach(route -> parts.add(route.id()));
        return Output.all(parts).applyValue(resolved -> resolved.get(0));
    }

    public Output<String> stageName() {
        return stage.name();
    }

    /**
     * Each route's authorizationScopes: its operation's scopes from the contract, and for
     * {@code $default} (which only answers 404 or 405) every scope the contract names. A route
     * without scopes would admit any token of the issuer, ID tokens included: API Gateway cannot
     * tell them from access tokens, and recommends scopes for that reason
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
     */
    static Map<String, List<String>> routeScopes(List<ApiOperation> operations) {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        Set<String> every = new LinkedHashSet<>();
        for (ApiOperation operation : operations) {
            if (operation.scopes().isEmpty()) {
                throw new StackDeclarationException("operation " + operation.operationId() + " (" + operation.routeKey()
                        + ") names no scopes in api/openapi.yaml: its route would admit any token of the issuer, ID tokens included");
            }
            routes.put(operation.routeKey(), operation.scopes());
            every.addAll(operation.scopes());
        }
        routes.put(DEFAULT_ROUTE, List.copyOf(every));
        return routes;
    }

    /** "GET /users/{id}" becomes "get-users-id": Pulumi names cannot hold the route key's characters. */
    static String logicalName(String routeKey) {
        if (routeKey.equals(DEFAULT_ROUTE)) {
            return "default";
        }
        return routeKey.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "");
    }
}
