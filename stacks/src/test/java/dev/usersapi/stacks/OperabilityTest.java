package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.apigatewayv2.Stage;
import com.pulumi.aws.backup.Plan;
import com.pulumi.aws.backup.Selection;
import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.lambda.Function;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an on-call engineer relies on beyond the alarms: logs, traces, limits, backups. */
class OperabilityTest {
    private static final java.util.Map<String, StackSettings> SETTINGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static StackSettings settings(String stack) {
        return SETTINGS.computeIfAbsent(stack, name -> StackSettings.from(StackFile.load(ProjectLayout.current(), name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void functionsLogJsonAreTracedAndHaveReservedConcurrency(String stack) {
        StackRuns runs = StackRuns.of(stack);
        for (String name : List.of("users-api", "users-stream")) {
            Function function = runs.named(Function.class, name);
            var logging = value(function.loggingConfig());
            assertEquals("JSON", logging.logFormat());
            assertEquals(Optional.of(settings(stack).functions().applicationLogLevel()), logging.applicationLogLevel());
            assertEquals("Active", value(function.tracingConfig()).mode());
            StackSettings.Function size = name.equals("users-api") ? settings(stack).functions().api() : settings(stack).functions().stream();
            assertEquals(Optional.of(size.reservedConcurrency()), value(function.reservedConcurrentExecutions()));
            // AWS's managed policy for sending traces (X-Ray developer guide, "AWSXRayDaemonWriteAccess").
            assertEquals("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess", value(runs.named(RolePolicyAttachment.class, name + "-tracing").policyArn()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void dynamoDbCallsTimeOutWellInsideTheFunctionTimeout(String stack) {
        Function api = StackRuns.of(stack).named(Function.class, "users-api");
        var variables = value(api.environment()).orElseThrow().variables();
        int call = Integer.parseInt(variables.get("USERS_DYNAMODB_CALL_TIMEOUT_MS"));
        int attempt = Integer.parseInt(variables.get("USERS_DYNAMODB_ATTEMPT_TIMEOUT_MS"));
        int function = value(api.timeout()).orElseThrow() * 1000;
        assertTrue(attempt < call && call <= function / 2, attempt + " < " + call + " <= half of " + function);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void listAndSearchAreThrottledBelowReadsById(String stack) {
        Stage stage = StackRuns.of(stack).one(Stage.class);
        var defaults = value(stage.defaultRouteSettings()).orElseThrow();
        var routes = value(stage.routeSettings()).orElseThrow();
        assertEquals(1, routes.size());
        assertEquals("GET /users", routes.get(0).routeKey());
        assertTrue(routes.get(0).throttlingRateLimit().orElseThrow() < defaults.throttlingRateLimit().orElseThrow());
        assertTrue(routes.get(0).throttlingBurstLimit().orElseThrow() < defaults.throttlingBurstLimit().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theAccessLogNamesTheCallerAndBothRequestIds(String stack) {
        Stage stage = StackRuns.of(stack).one(Stage.class);
        JsonObject format = JsonParser.parseString(value(stage.accessLogSettings()).orElseThrow().format()).getAsJsonObject();
        assertEquals("$context.requestId", format.get("requestId").getAsString());
        assertEquals("$context.integration.requestId", format.get("lambdaRequestId").getAsString());
        assertEquals("$context.authorizer.claims.sub", format.get("caller").getAsString());
        assertEquals("$context.authorizer.claims.client_id", format.get("clientId").getAsString());
        assertEquals("$context.apiId", format.get("apiId").getAsString(), "the auth-rejections metric filter's dimension");
    }

    @Test
    void prodBacksTheUsersTableUpToAVaultOfAnotherAccount() {
        StackRuns runs = StackRuns.of("prod");
        var rule = value(runs.one(Plan.class).rules()).get(0);
        StackSettings.Backup backup = settings("prod").backup().orElseThrow();
        assertEquals("arn:aws:backup:" + backup.copyRegion() + ":" + backup.copyAccountId() + ":backup-vault:" + backup.copyVaultName(),
                rule.copyActions().get(0).destinationVaultArn());
        assertEquals(Optional.of(backup.copyRetentionDays()), rule.copyActions().get(0).lifecycle().orElseThrow().deleteAfter());
        assertEquals(List.of(value(runs.named(Table.class, "users").arn())), value(runs.one(Selection.class).resources()).orElseThrow());
        assertTrue(StackRuns.of("staging").all(Plan.class).isEmpty());
        assertTrue(StackRuns.of("dev").all(Plan.class).isEmpty());
    }

    @Test
    void placeholdersAreNamedSoThatADeployRefusesThem() {
        List<String> prod = settings("prod").placeholders();
        assertTrue(prod.stream().anyMatch(found -> found.startsWith("users-api:backup.copyAccountId: 111122223333")), prod.toString());
        assertTrue(prod.stream().anyMatch(found -> found.startsWith("users-api:alarms.subscriptions[0].endpoint:")), prod.toString());
        assertEquals(List.of(), settings("dev").placeholders());
    }
}
