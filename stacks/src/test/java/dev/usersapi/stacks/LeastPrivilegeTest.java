package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.sqs.Queue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each function's role may do exactly what the function does, on exactly its resources. */
class LeastPrivilegeTest {
    /** Action → resources, from a policy document. */
    private static Map<String, Set<String>> grants(String stack, String policyName) {
        RolePolicy policy = StackRuns.of(stack).named(RolePolicy.class, policyName);
        JsonObject document = JsonParser.parseString(value(policy.policy())).getAsJsonObject();
        Map<String, Set<String>> grants = new TreeMap<>();
        for (JsonElement element : document.getAsJsonArray("Statement")) {
            JsonObject statement = element.getAsJsonObject();
            assertEquals("Allow", statement.get("Effect").getAsString());
            assertFalse(statement.has("NotAction") || statement.has("NotResource"));
            for (JsonElement action : statement.getAsJsonArray("Action")) {
                for (JsonElement resource : statement.getAsJsonArray("Resource")) {
                    grants.computeIfAbsent(action.getAsString(), key -> new TreeSet<>()).add(resource.getAsString());
                }
            }
        }
        return grants;
    }

    private static String tableArn(String stack) {
        return value(StackRuns.of(stack).named(Table.class, "users").arn());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void apiRoleMayOnlyCallTheItemActionsItUsesOnTheTableAndQueryTheEmailIndex(String stack) {
        String table = tableArn(stack);
        String keys = value(StackRuns.of(stack).named(Table.class, "idempotency-keys").arn());
        Map<String, Set<String>> grants = grants(stack, "users-api-policy");
        assertEquals(Set.of(table), grants.get("dynamodb:GetItem"));
        assertEquals(Set.of(table, keys), grants.get("dynamodb:PutItem"), "idempotency keys are claimed with a conditional put");
        assertEquals(Set.of(table, keys), grants.get("dynamodb:UpdateItem"));
        assertEquals(Set.of(table), grants.get("dynamodb:DeleteItem"));
        assertEquals(Set.of(table), grants.get("dynamodb:Scan"));
        assertEquals(Set.of(table + "/index/email-index"), grants.get("dynamodb:Query"));
        assertEquals(Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan",
                "dynamodb:Query", "logs:CreateLogStream", "logs:PutLogEvents"), grants.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void streamRoleMayOnlyReadTheStreamAndSendToItsFailureQueue(String stack) {
        String table = tableArn(stack);
        String stream = value(StackRuns.of(stack).named(Table.class, "users").streamArn());
        String queue = value(StackRuns.of(stack).one(Queue.class).arn());
        Map<String, Set<String>> grants = grants(stack, "users-stream-policy");
        assertEquals(Set.of(stream), grants.get("dynamodb:GetRecords"));
        assertEquals(Set.of(stream), grants.get("dynamodb:GetShardIterator"));
        assertEquals(Set.of(stream), grants.get("dynamodb:DescribeStream"));
        assertEquals(Set.of(table + "/stream/*"), grants.get("dynamodb:ListStreams"));
        assertEquals(Set.of(queue), grants.get("sqs:SendMessage"));
        assertEquals(Set.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
                "sqs:SendMessage", "logs:CreateLogStream", "logs:PutLogEvents"), grants.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void noPolicyGrantsAWildcardActionOrResource(String stack) {
        for (String policy : List.of("users-api-policy", "users-stream-policy")) {
            grants(stack, policy).forEach((action, resources) -> {
                assertFalse(action.contains("*"), policy + " grants " + action);
                resources.forEach(resource -> assertFalse(resource.equals("*") || resource.endsWith(":*:*"),
                        policy + " grants " + action + " on " + resource));
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void logsMayOnlyBeWrittenToTheFunctionsOwnLogGroup(String stack) {
        for (String policy : List.of("users-api-policy", "users-stream-policy")) {
            Set<String> resources = grants(stack, policy).get("logs:PutLogEvents");
            assertEquals(1, resources.size());
            assertTrue(resources.iterator().next().matches("arn:aws:logs:[^:]+:\\d+:log-group:[^:*]+:\\*"), resources.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void onlyLambdaMayAssumeTheRoles(String stack) {
        // The backup plan's role (prod) is AWS Backup's: TableBackupTest holds it.
        List<Role> roles = StackRuns.of(stack).all(Role.class).stream().filter(role -> !role.pulumiResourceName().startsWith("users-backup")).toList();
        assertEquals(2, roles.size(), "one role per function");
        for (Role role : roles) {
            JsonObject trust = JsonParser.parseString(value(role.assumeRolePolicy())).getAsJsonObject();
            JsonObject statement = trust.getAsJsonArray("Statement").get(0).getAsJsonObject();
            assertEquals("lambda.amazonaws.com", statement.getAsJsonObject("Principal").get("Service").getAsString());
            assertEquals("sts:AssumeRole", statement.get("Action").getAsString());
        }
    }
}
