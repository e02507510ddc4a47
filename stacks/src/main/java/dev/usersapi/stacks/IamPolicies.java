package dev.usersapi.stacks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** IAM policy documents, each statement naming exact actions on exact resources. */
final class IamPolicies {
    /** {@code conditions}: operator to condition key to value, as a policy's Condition block. */
    record Statement(List<String> actions, List<String> resources, Map<String, Map<String, String>> conditions) {
        Statement(List<String> actions, List<String> resources) {
            this(actions, resources, Map.of());
        }
    }

    /** Who may use a customer-managed key, and how, beside the account that administers it. */
    record KeyUser(String sid, String principalType, String principal, List<String> actions) {}

    private IamPolicies() {}

    /**
     * A key policy: the account administers the key (the default key policy's statement, without
     * which no IAM policy can grant it), then each of {@code users}.
     */
    static String keyPolicy(String keyArn, List<KeyUser> users) {
        String[] arn = keyArn.split(":");
        List<JsonObject> statements = new ArrayList<>();
        statements.add(keyStatement(new KeyUser("AccountAdministersKey", "AWS", "arn:" + arn[1] + ":iam::" + arn[4] + ":root",
                List.of("kms:*"))));
        users.forEach(user -> statements.add(keyStatement(user)));
        return document(statements);
    }

    /**
     * A resource policy that lets each of {@code users} (AWS services, by their principal) make its
     * calls on the one resource the policy is attached to.
     */
    static String resourcePolicy(String resourceArn, List<KeyUser> users) {
        return document(users.stream().map(user -> principalStatement(user, resourceArn)).toList());
    }

    private static JsonObject keyStatement(KeyUser user) {
        return principalStatement(user, "*");
    }

    private static JsonObject principalStatement(KeyUser user, String resource) {
        JsonObject statement = new JsonObject();
        statement.addProperty("Sid", user.sid());
        statement.addProperty("Effect", "Allow");
        JsonObject principal = new JsonObject();
        principal.addProperty(user.principalType(), user.principal());
        statement.add("Principal", principal);
        JsonArray actions = new JsonArray();
        user.actions().forEach(actions::add);
        statement.add("Action", actions);
        statement.addProperty("Resource", resource);
        return statement;
    }

    /**
     * The permissions boundary of every role the stack creates: the managed policy
     * {@code users-api-<stack>-boundary} of the stack's account ({@code operator/iam/function-boundary-<stack>.json},
     * created before the roles: README, deploy step 3). Each deployer may create and change a role
     * only with it (its {@code iam:PermissionsBoundary} condition), so whoever controls a deployer
     * can give a role no right beyond the boundary. The account and partition are read from an ARN
     * the stack already has in that account: no invoke, so a preview needs no provider call.
     */
    static Output<String> permissionsBoundary(Output<String> arnInTheAccount, Map<String, String> tags) {
        String stack = Optional.ofNullable(tags.get("stack"))
                .orElseThrow(() -> new IllegalArgumentException("a role's tags name its stack: " + tags));
        return arnInTheAccount.applyValue(arn -> {
            String[] parts = arn.split(":");
            return "arn:" + parts[1] + ":iam::" + parts[4] + ":policy/users-api-" + stack + "-boundary";
        });
    }

    static String lambdaTrust() {
        return serviceTrust("lambda.amazonaws.com");
    }

    /** A role only this AWS service may assume. */
    static String serviceTrust(String service) {
        JsonObject statement = new JsonObject();
        statement.addProperty("Effect", "Allow");
        JsonObject principal = new JsonObject();
        principal.addProperty("Service", service);
        statement.add("Principal", principal);
        statement.addProperty("Action", "sts:AssumeRole");
        return document(List.of(statement));
    }

    /** A policy document from statements whose resources are known only once other resources exist. */
    static Output<String> allow(List<Output<Statement>> statements) {
        return Output.all(statements).applyValue(resolved -> document(resolved.stream().map(IamPolicies::allowStatement).toList()));
    }

    static Output<Statement> statement(List<String> actions, Output<List<String>> resources) {
        return resources.applyValue(arns -> new Statement(actions, arns));
    }

    /**
     * kms:Decrypt on a table's customer-managed key, only when DynamoDB asks on the caller's behalf.
     * When a caller first reaches an encrypted table, and again after five minutes without use,
     * DynamoDB asks KMS to decrypt the table key with the caller's own permissions ("How Amazon
     * DynamoDB uses AWS KMS", KMS Developer Guide: table keys, table key caching); the key policy
     * that page gives allows it only through DynamoDB ({@code kms:ViaService}).
     */
    static Optional<Output<Statement>> decryptThroughDynamoDb(DeclaredTable table, String region) {
        return table.kmsKeyArn().map(key -> key.applyValue(arn -> new Statement(List.of("kms:Decrypt"), List.of(arn),
                Map.of("StringEquals", Map.of("kms:ViaService", "dynamodb." + region + ".amazonaws.com")))));
    }

    private static JsonObject allowStatement(Statement statement) {
        JsonObject json = new JsonObject();
        json.addProperty("Effect", "Allow");
        JsonArray actions = new JsonArray();
        statement.actions().forEach(actions::add);
        json.add("Action", actions);
        JsonArray resources = new JsonArray();
        statement.resources().forEach(resources::add);
        json.add("Resource", resources);
        if (!statement.conditions().isEmpty()) {
            JsonObject conditions = new JsonObject();
            new TreeMap<>(statement.conditions()).forEach((operator, values) -> {
                JsonObject keys = new JsonObject();
                new TreeMap<>(values).forEach(keys::addProperty);
                conditions.add(operator, keys);
            });
            json.add("Condition", conditions);
        }
        return json;
    }

    private static String document(List<JsonObject> statements) {
        JsonObject document = new JsonObject();
        document.addProperty("Version", "2012-10-17");
        JsonArray array = new JsonArray();
        statements.forEach(array::add);
        document.add("Statement", array);
        return document.toString();
    }
}
