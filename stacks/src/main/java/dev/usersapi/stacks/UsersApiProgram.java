package dev.usersapi.stacks;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.deployment.Deployment;
import com.pulumi.resources.ComponentResourceOptions;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users-api stack: the table, the HTTP API and its function, the stream consumer and,
 * where the environment asks, alarms. Run by {@code pulumi preview/up} (see the README).
 */
public final class UsersApiProgram {
    static final String API_HANDLER = "dev.usersapi.api.UsersApiHandler::handleRequest";

    private UsersApiProgram() {}

    public static void main(String[] args) {
        Pulumi.run(ctx -> {
            ProjectLayout layout = ProjectLayout.current();
            define(ctx, StackSettings.from(StackFile.of(ctx.stackName(), configOf(ctx))), layout, HandlersJar.ensure(layout.root()));
        });
    }

    /** The stack's config as Pulumi hands it over: structured values come as JSON, read into maps. */
    static Map<String, Object> configOf(Context ctx) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String key : StackSettings.KEYS) {
            ctx.config().getObject(key, Object.class).ifPresent(value -> config.put(StackFile.PROJECT + ":" + key, value));
        }
        ctx.config("aws").get("region").ifPresent(region -> config.put(StackSettings.REGION_KEY, region));
        return config;
    }

    static int dynamoDbCallTimeoutMs(StackSettings settings) {
        return settings.functions().api().timeoutSeconds() * 1000 * 2 / 5;
    }

    /** Declares every resource of one stack; {@code jar} is the handlers' Lambda jar. */
    public static void define(Context ctx, StackSettings settings, ProjectLayout layout, Path jar) {
        List<String> placeholders = settings.placeholders();
        if (!placeholders.isEmpty()) {
            String message = "stack " + settings.stack() + " still has placeholders; set them before it is deployed: " + placeholders;
            if (!Deployment.getInstance().isDryRun()) {
                throw new StackDeclarationException(message);
            }
            ctx.log().warn(message);
        }
        Map<String, String> tags = Map.of("project", StackFile.PROJECT, "stack", settings.stack(), "managed-by", "pulumi");

        DeclaredTable table = new DeclaredTable("users", settings.table(), settings.protectData(), tags, ComponentResourceOptions.Empty);
        DeclaredTable idempotencyKeys = new DeclaredTable("idempotency-keys", settings.idempotencyTable(), settings.protectData(), tags,
                ComponentResourceOptions.Empty);
        String emailIndex = settings.table().globalSecondaryIndexes().get(0).name();
        Map<String, Output<String>> environment = Map.of(
                "USERS_TABLE", table.name(),
                "USERS_EMAIL_INDEX", Output.of(emailIndex),
                "USERS_RETENTION", Output.of(settings.table().retention().map(Object::toString).orElse("off")),
                "USERS_IDEMPOTENCY_TABLE", idempotencyKeys.name(),
                "USERS_IDEMPOTENCY_RETENTION", Output.of(settings.idempotencyTable().retention().orElseThrow().toString()),
                // A DynamoDB call (retries included) may take 40% of the function's timeout, an attempt 3/8 of that:
                // a slow table ends as the handler's 503 and fault log line, never as Lambda's timeout.
                "USERS_DYNAMODB_CALL_TIMEOUT_MS", Output.of(Integer.toString(dynamoDbCallTimeoutMs(settings))),
                "USERS_DYNAMODB_ATTEMPT_TIMEOUT_MS", Output.of(Integer.toString(dynamoDbCallTimeoutMs(settings) * 3 / 8)),
                // The handler checks scopes and ownership from the authorizer's claims; "none" is the local dev stack's alone.
                "USERS_AUTHORIZATION", Output.of("jwt"));
        List<Output<IamPolicies.Statement>> apiPermissions = new ArrayList<>(List.of(
                IamPolicies.statement(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem", "dynamodb:Scan"), table.arn().applyValue(List::of)),
                IamPolicies.statement(List.of("dynamodb:Query"), table.indexArn(emailIndex).applyValue(List::of)),
                IamPolicies.statement(List.of("dynamodb:PutItem", "dynamodb:UpdateItem"),
                        idempotencyKeys.arn().applyValue(List::of))));
        for (DeclaredTable used : List.of(table, idempotencyKeys)) {
            IamPolicies.decryptThroughDynamoDb(used, settings.region()).ifPresent(apiPermissions::add);
        }
        JavaFunction apiFunction = new JavaFunction("users-api", API_HANDLER, jar, settings.functions().api(), settings.functions(),
                environment, apiPermissions, tags, ComponentResourceOptions.Empty);
        Optional<UsersIdentity> identity = settings.api().jwt().isPresent() ? Optional.empty()
                : Optional.of(new UsersIdentity("users-identity", settings.stack(), settings.region(),
                        UsersIdentity.contractScopes(OpenApiDocument.tree(layout.openApiDocument())), settings.protectData(), tags,
                        ComponentResourceOptions.Empty));
        UsersHttpApi.Jwt jwt = settings.api().jwt().map(UsersHttpApi.Jwt::of).orElseGet(() -> identity.orElseThrow().authorizer(settings.api().adminClients()));
        UsersHttpApi api = new UsersHttpApi("users-http-api", OpenApiDocument.operations(layout.openApiDocument()), apiFunction,
                settings.api(), jwt, tags, ComponentResourceOptions.Empty);
        StreamConsumer consumer = new StreamConsumer("users-stream", table, jar, settings, tags, ComponentResourceOptions.Empty);
        Alarms.Watched watched = new Alarms.Watched(apiFunction, consumer.function(), consumer, api, table, settings);
        Optional<Alarms> alarms = settings.alarms().enabled()
                ? Optional.of(new Alarms("users-alarms", watched, tags, ComponentResourceOptions.Empty)) : Optional.empty();
        alarms.ifPresent(created -> ctx.export("alarmTopicArn", created.topicArn()));
        ctx.export("dashboardName", OperationsDashboard.define("users-dashboard", settings.stack(), watched).dashboardName());
        // StackSettings refuses a backup without alarms: its failures notify the alarm topic.
        settings.backup().ifPresent(backup -> ctx.export("backupPlanId", new TableBackup("users-backup", table, backup,
                alarms.orElseThrow().publishableTopicArn(), tags, ComponentResourceOptions.Empty).planId()));

        ctx.export("apiUrl", api.url());
        ctx.export("jwtIssuer", jwt.issuer());
        identity.ifPresent(created -> {
            // Client ids and the token endpoint only: no client's secret is an output (it is in the state, as a secret).
            ctx.export("userPoolId", created.services().userPoolId());
            ctx.export("tokenUrl", created.services().tokenUrl());
            ctx.export("servicesClientId", created.services().clientId());
            ctx.export("smokeCheckClientId", created.smokeCheck().clientId());
        });
        // Every update ends with the smoke check through the deployed API, with the smoke-check app
        // client's token where the program created the issuer; a failed step fails the update.
        ctx.export("smokeCheck", DeployedApiCheck.after(api.deployedUrl(),
                identity.map(UsersIdentity::smokeCheck).map(DeployedApiCheck.Credentials::of),
                Deployment.getInstance().isDryRun(), DeployedApiCheck.Runner.SMOKE_CHECK, DeployedApiCheck.SecretReader.COGNITO));
        ctx.export("tableName", table.name());
        ctx.export("tableArn", table.arn());
        ctx.export("streamArn", table.streamArn());
        ctx.export("failureQueueUrl", consumer.failureQueueUrl());
    }
}
