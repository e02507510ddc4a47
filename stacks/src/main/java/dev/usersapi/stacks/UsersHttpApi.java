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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API: one route per operation of the OpenAPI document, plus the catch-all
 * {@code $default} route, so that unknown paths and methods reach the handler and get its
 * problem+json 404 and 405. All routes go to the API function's {@code live} alias with payload
 * format 2.0; with a JWT issuer configured, every route requires a valid token.
 */
public final class UsersHttpApi extends ComponentResource {
    static final String DEFAULT_ROUTE = "$default";
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

    private final Api api;
    private final Stage stage;
    private final LogGroup accessLogs;
    private final List<Route> routes = new ArrayList<>();

    public UsersHttpApi(String name, List<ApiOperation> operations, JavaFunction function, StackSettings.Api settings,
                        Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:api:UsersHttpApi", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();

        var apiArgs = ApiArgs.builder().protocolType("HTTP").description("users-api").tags(tags);
        settings.cors().ifPresent(cors -> apiArgs.corsConfiguration(ApiCorsConfigurationArgs.builder()
                .allowOrigins(cors.allowOrigins())
                .allowMethods("GET", "POST", "PATCH", "DELETE", "OPTIONS")
                .allowHeaders("authorization", "content-type", "if-match")
                .exposeHeaders("etag", "location", "link")
                .maxAge(cors.maxAgeSeconds())
                .build()));
        this.api = new Api(name, apiArgs.build(), children);

        Integration integration = new Integration(name + "-integration", IntegrationArgs.builder()
                .apiId(api.id())
                .integrationType("AWS_PROXY")
                .integrationUri(function.aliasArn())
                .payloadFormatVersion("2.0")
                .build(), children);

        Optional<Authorizer> authorizer = settings.jwt().map(jwt -> new Authorizer(name + "-jwt", AuthorizerArgs.builder()
                .apiId(api.id())
                .authorizerType("JWT")
                .identitySources("$request.header.Authorization")
                .jwtConfiguration(AuthorizerJwtConfigurationArgs.builder()
                        .issuer(jwt.issuer())
                        .audiences(jwt.audiences())
                        .build())
                .build(), children));

        List<String> routeKeys = new ArrayList<>();
        operations.forEach(operation -> routeKeys.add(operation.routeKey()));
        routeKeys.add(DEFAULT_ROUTE);
        for (String routeKey : routeKeys) {
            var route = RouteArgs.builder()
                    .apiId(api.id())
                    .routeKey(routeKey)
                    .target(integration.id().applyValue(id -> "integrations/" + id));
            authorizer.ifPresentOrElse(
                    jwt -> route.authorizationType("JWT").authorizerId(jwt.id()),
                    () -> route.authorizationType("NONE"));
            routes.add(new Route(name + "-route-" + logicalName(routeKey), route.build(), children));
        }

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

        new Permission(name + "-invoke", PermissionArgs.builder()
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

    public Output<String> stageName() {
        return stage.name();
    }

    /** "GET /users/{id}" becomes "get-users-id": Pulumi names cannot hold the route key's characters. */
    static String logicalName(String routeKey) {
        if (routeKey.equals(DEFAULT_ROUTE)) {
            return "default";
        }
        return routeKey.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", "");
    }
}
