package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RolePolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shape of each function's role: no wildcard, logs only to its own group, trusted only by
 * Lambda, keys used only through DynamoDB. That each grant serves a call, and each call is
 * granted, is PermissionsTest's.
 */
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

    /**
     * A table under a customer-managed key is read and written only if DynamoDB can decrypt the
     * table key with the caller's permissions: "When you first access an encrypted table, DynamoDB
     * sends a request to AWS KMS to use the KMS key to decrypt the table key", again after five
     * minutes without use ("Table key caching"); the key policy of the same page allows that use
     * "for all principals in the account that are authorized to use Amazon DynamoDB" only with
     * {@code kms:ViaService} = {@code dynamodb.<region>.amazonaws.com}. KMS Developer Guide, "How
     * Amazon DynamoDB uses AWS KMS": https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void eachRoleMayDecryptTheKeysOfItsTablesOnlyThroughDynamoDb(String stack) {
        for (String policy : List.of("users-api-policy", "users-stream-policy")) {
            JsonObject document = JsonParser.parseString(value(StackRuns.of(stack).named(RolePolicy.class, policy).policy())).getAsJsonObject();
            int decrypts = 0;
            for (JsonElement element : document.getAsJsonArray("Statement")) {
                JsonObject statement = element.getAsJsonObject();
                if (statement.getAsJsonArray("Action").toString().contains("kms:")) {
                    decrypts++;
                    assertEquals("[\"kms:Decrypt\"]", statement.getAsJsonArray("Action").toString());
                    assertEquals("dynamodb.eu-west-1.amazonaws.com",
                            statement.getAsJsonObject("Condition").getAsJsonObject("StringEquals").get("kms:ViaService").getAsString());
                }
            }
            int tables = policy.equals("users-api-policy") ? 2 : 1;
            // Staging and prod encrypt both tables with keys of their own; dev with the AWS-managed key.
            assertEquals(stack.equals("dev") ? 0 : tables, decrypts, policy + " in " + stack);
        }
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
