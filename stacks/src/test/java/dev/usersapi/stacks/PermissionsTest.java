package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.kms.Key;
import com.pulumi.aws.sqs.Queue;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * Each function's role, and the key policy of each key it uses, held to the calls the function
 * makes: those its code makes, as the handlers' tests recorded them
 * ({@code permissions/function-calls.json}); those AWS makes with its role for it (the Lambda
 * runtime's logs, the event source mapping: {@code permissions/calls-made-for-functions.json},
 * from Lambda's documentation); and the KMS calls DynamoDB makes on a caller's behalf for a table
 * under a customer-managed key ({@code permissions/dynamodb-kms.json}, from the KMS Developer
 * Guide); and the X-Ray calls of Lambda's active tracing. A role's identity policies are its inline
 * policy and the AWS managed policies attached to it ({@code permissions/managed-policies.json},
 * from AWS's Managed Policy Reference). Every call must be allowed in every stack under IAM's
 * evaluation logic ({@link IamEvaluation}); every action an inline policy grants must serve a call,
 * and what a managed policy grants beyond its role's calls is listed there with why it is kept.
 * The backup role's calls (AWS Backup's, {@code permissions/calls-made-with-backup-role.json})
 * are held to its two managed policies.
 */
class PermissionsTest {
    private static final Path DATA = ProjectLayout.current().root().resolve("stacks/src/test/resources/permissions");
    private static final List<String> FUNCTIONS = List.of("users-api", "users-stream");

    /** One call a function makes, with the resource it names as the stack's ARN, and why it is made. */
    record Call(String function, IamEvaluation.Request request, String why) {}

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyCallOfEveryFunctionIsAllowed(String stack) {
        List<String> denied = new ArrayList<>();
        StringBuilder table = new StringBuilder("calls of the functions in " + stack + ", and IAM's decision:\n");
        for (Call call : calls(stack)) {
            IamEvaluation.Decision decision = decide(stack, call);
            table.append(String.format("  %-12s %-26s %-100s %s (%s)%n", call.function(), call.request().action(), call.request().resource(),
                    decision, call.why()));
            if (decision != IamEvaluation.Decision.ALLOW) {
                denied.add(call.function() + " " + call.request().action() + " on " + call.request().resource() + ": " + decision
                        + " (" + call.why() + ")");
            }
        }
        System.out.print(table);
        assertEquals(List.of(), denied, "calls the stack's policies would deny");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyGrantServesACallOfItsFunction(String stack) {
        List<Call> calls = calls(stack);
        List<String> unused = new ArrayList<>();
        for (String function : FUNCTIONS) {
            for (IamStatement statement : rolePolicy(stack, function).statements()) {
                if (!statement.effect().value().equals("Allow")) {
                    continue;
                }
                assertTrue(statement.notActions().isEmpty() && statement.notResources().isEmpty(), "NotAction/NotResource in " + function);
                for (var action : statement.actions()) {
                    for (var resource : statement.resources()) {
                        IamStatement one = statement.toBuilder().actions(List.of(action)).resources(List.of(resource)).build();
                        boolean used = calls.stream().anyMatch(call -> call.function().equals(function)
                                && IamEvaluation.appliesTo(one, call.request()));
                        if (!used) {
                            unused.add(function + " grants " + action.value() + " on " + resource.value() + ", which no call of it uses");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), unused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void withoutTheKeyGrantProdsCallsToItsTablesAreDenied(String stack) {
        // The check itself, against the defect it was written for: the roles as they were, with no kms statement.
        long kmsCalls = calls(stack).stream().filter(call -> call.request().action().startsWith("kms:")).count();
        assertEquals(3, kmsCalls, "the API function decrypts both tables' keys, the stream function its table's");
        for (Call call : calls(stack)) {
            if (call.request().action().startsWith("kms:")) {
                IamPolicy withoutKms = IamPolicy.builder().statements(rolePolicy(stack, call.function()).statements().stream()
                        .filter(s -> s.actions().stream().noneMatch(a -> a.value().startsWith("kms:"))).toList()).build();
                assertEquals(IamEvaluation.Decision.IMPLICIT_DENY, IamEvaluation.kms(keyPolicy(stack, call), List.of(withoutKms), call.request()));
            }
        }
    }

    /**
     * What an AWS managed policy attached to a role grants beyond the calls made with that role
     * must be exactly what {@code permissions/managed-policies.json} says it grants beyond use,
     * with why it is kept: a new grant AWS adds, or one a call starts to use, fails here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void whatEachManagedPolicyGrantsBeyondItsRolesCallsIsTheListedExcess(String stack) {
        for (String role : rolesWithAttachments(stack)) {
            List<IamEvaluation.Request> made = role.equals(BACKUP_ROLE) ? backupRoleCalls(stack)
                    : calls(stack).stream().filter(call -> (call.function() + "-role").equals(role)).map(Call::request).toList();
            for (var attached : managedPolicies(stack, role).entrySet()) {
                JsonObject beyond = json("managed-policies.json").getAsJsonObject("policies").getAsJsonObject(attached.getKey())
                        .getAsJsonObject("grantsBeyondUse");
                List<String> listed = new ArrayList<>();
                for (String kind : List.of("actions", "resources")) {
                    if (beyond.has(kind)) {
                        beyond.getAsJsonArray(kind).forEach(e -> listed.add(e.getAsString()));
                    }
                }
                List<String> excess = new ArrayList<>();
                for (IamStatement statement : attached.getValue().statements()) {
                    for (var action : statement.actions()) {
                        for (var resource : statement.resources()) {
                            IamStatement one = statement.toBuilder().actions(List.of(action)).resources(List.of(resource)).build();
                            boolean exact = made.stream().anyMatch(request -> IamEvaluation.appliesTo(one, request)
                                    && (resource.value().equals("*") || resource.value().equals(request.resource())));
                            if (!exact && !listed.contains(action.value()) && !listed.contains(resource.value())) {
                                excess.add(attached.getKey() + " grants " + action.value() + " on " + resource.value() + " to " + role
                                        + " in " + stack + " beyond its calls, and managed-policies.json does not say so");
                            }
                        }
                    }
                }
                assertEquals(List.of(), excess);
                for (String item : listed) {
                    boolean stillBeyond = attached.getValue().statements().stream().anyMatch(statement -> statement.actions().stream()
                            .anyMatch(a -> a.value().equals(item)) || statement.resources().stream().anyMatch(r -> r.value().equals(item)));
                    assertTrue(stillBeyond, attached.getKey() + ": " + item + " is listed as granted beyond use but is not granted");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void everyCallAwsBackupMakesWithTheBackupRoleIsAllowed(String stack) {
        List<IamPolicy> identity = List.copyOf(managedPolicies(stack, BACKUP_ROLE).values());
        assertEquals(2, identity.size(), "the backup role holds AWS Backup's two service role policies");
        List<String> denied = new ArrayList<>();
        for (IamEvaluation.Request request : backupRoleCalls(stack)) {
            IamEvaluation.Decision decision = IamEvaluation.identityOnly(identity, request);
            if (decision != IamEvaluation.Decision.ALLOW) {
                denied.add(request.action() + " on " + request.resource() + ": " + decision);
            }
        }
        assertEquals(List.of(), denied);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void withoutTheTracingAttachmentTheFunctionsCannotSendTraces(String stack) {
        // The check against the gap it closes: the managed policy was not judged, so X-Ray's calls were never evaluated.
        List<Call> traces = calls(stack).stream().filter(call -> call.request().action().startsWith("xray:")).toList();
        assertEquals(4, traces.size(), "both functions send segments and telemetry");
        for (Call call : traces) {
            assertEquals(IamEvaluation.Decision.IMPLICIT_DENY,
                    IamEvaluation.identityOnly(List.of(rolePolicy(stack, call.function())), call.request()), call.request().action());
        }
    }

    static final String BACKUP_ROLE = "users-backup-role";

    /** The logical names of the stack's roles that have a managed policy attached. */
    private static List<String> rolesWithAttachments(String stack) {
        StackRuns run = StackRuns.of(stack);
        return run.all(Role.class).stream().filter(role -> !managedPolicies(stack, role.pulumiResourceName()).isEmpty())
                .map(Role::pulumiResourceName).toList();
    }

    /** The AWS managed policies attached to a role (by its logical name), as managed-policies.json reproduces them. */
    static Map<String, IamPolicy> managedPolicies(String stack, String role) {
        StackRuns run = StackRuns.of(stack);
        String name = value(run.named(Role.class, role).name());
        Map<String, IamPolicy> attached = new LinkedHashMap<>();
        for (RolePolicyAttachment attachment : run.all(RolePolicyAttachment.class)) {
            if (name.equals(value(attachment.role()))) {
                String arn = value(attachment.policyArn());
                JsonObject policy = Optional.ofNullable(json("managed-policies.json").getAsJsonObject("policies").getAsJsonObject(arn))
                        .orElseThrow(() -> new AssertionError(arn + " is attached to " + role + " but not reproduced in managed-policies.json"));
                attached.put(arn, IamPolicy.fromJson(policy.getAsJsonObject("document").toString()));
            }
        }
        return attached;
    }

    /** The calls AWS Backup makes with the backup role (calls-made-with-backup-role.json), on this stack's users table. */
    static List<IamEvaluation.Request> backupRoleCalls(String stack) {
        StackRuns run = StackRuns.of(stack);
        String role = value(run.named(Role.class, BACKUP_ROLE).arn());
        String table = value(run.named(Table.class, "users").arn());
        List<IamEvaluation.Request> requests = new ArrayList<>();
        for (JsonElement element : json("calls-made-with-backup-role.json").getAsJsonArray("calls")) {
            JsonObject made = element.getAsJsonObject();
            String arn = switch (made.get("resource").getAsString()) {
                case "users-table" -> table;
                case "backup-of-users-table" -> table + "/backup/01767225600000-a1b2c3d4";
                case "restored-table" -> table.substring(0, table.lastIndexOf('/') + 1) + "users-restored-2026-01-01";
                default -> throw new IllegalArgumentException("unknown resource " + made.get("resource"));
            };
            made.getAsJsonArray("actions").forEach(action -> requests.add(request(role, action.getAsString(), arn)));
        }
        return requests;
    }

    static IamEvaluation.Decision decide(String stack, Call call) {
        List<IamPolicy> identity = new ArrayList<>(List.of(rolePolicy(stack, call.function())));
        identity.addAll(managedPolicies(stack, call.function() + "-role").values());
        if (call.request().action().startsWith("kms:")) {
            return IamEvaluation.kms(keyPolicy(stack, call), identity, call.request());
        }
        return IamEvaluation.identityOnly(identity, call.request());
    }

    /** Every call of both functions in this stack, with the stack's ARNs. */
    static List<Call> calls(String stack) {
        StackRuns run = StackRuns.of(stack);
        String region = StackSettings.from(StackFile.load(ProjectLayout.current(), stack)).region();
        List<Call> calls = new ArrayList<>();
        JsonObject recorded = json("function-calls.json").getAsJsonObject("functions");
        for (String function : FUNCTIONS) {
            String role = value(run.named(Role.class, function + "-role").arn());
            for (JsonElement element : Optional.ofNullable(recorded.getAsJsonArray(function)).orElse(new com.google.gson.JsonArray())) {
                JsonObject call = element.getAsJsonObject();
                String arn = value(run.named(Table.class, call.get("table").getAsString()).arn())
                        + (call.has("index") ? "/index/" + call.get("index").getAsString() : "");
                calls.add(new Call(function, request(role, call.get("action").getAsString(), arn), "its code, as the handlers' tests recorded"));
            }
            for (JsonElement element : json("calls-made-for-functions.json").getAsJsonArray("calls")) {
                JsonObject made = element.getAsJsonObject();
                if (!made.getAsJsonArray("functions").toString().contains("\"" + function + "\"")) {
                    continue;
                }
                String arn = switch (made.get("resource").getAsString()) {
                    case "log-streams-of-own-log-group" -> value(run.named(LogGroup.class, function + "-logs").arn())
                            + ":log-stream:2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef";
                    case "stream-of-users-table" -> value(run.named(Table.class, "users").streamArn());
                    case "failure-queue" -> value(run.one(Queue.class).arn());
                    case "any" -> "*";
                    default -> throw new IllegalArgumentException("unknown resource " + made.get("resource"));
                };
                for (JsonElement action : made.getAsJsonArray("actions")) {
                    calls.add(new Call(function, request(role, action.getAsString(), arn), made.get("by").getAsString()));
                }
            }
        }
        calls.addAll(kmsCallsOnBehalf(run, calls, region));
        return calls;
    }

    /** The KMS calls DynamoDB makes for a caller of a table under a customer-managed key, once per function and key. */
    private static List<Call> kmsCallsOnBehalf(StackRuns run, List<Call> calls, String region) {
        JsonObject rule = json("dynamodb-kms.json");
        Map<String, Call> kms = new LinkedHashMap<>();
        for (Call call : calls) {
            String service = call.request().action().split(":")[0];
            if (!rule.getAsJsonArray("servicePrefixes").toString().contains("\"" + service + "\"")) {
                continue;
            }
            Table table = run.all(Table.class).stream().filter(t -> call.request().resource().startsWith(value(t.arn()) + "/")
                    || call.request().resource().equals(value(t.arn()))).findFirst().orElseThrow();
            Optional<String> key = Optional.ofNullable(value(table.serverSideEncryption())).flatMap(sse -> sse.kmsKeyArn());
            if (key.isEmpty()) {
                continue;
            }
            Map<String, String> context = new LinkedHashMap<>();
            rule.getAsJsonObject("context").entrySet().forEach(entry -> context.put(entry.getKey(),
                    entry.getValue().getAsString().replace("{region}", region).replace("{account}", call.request().account())));
            for (JsonElement action : rule.getAsJsonArray("kmsActions")) {
                kms.putIfAbsent(call.function() + " " + action.getAsString() + " " + key.get(), new Call(call.function(),
                        new IamEvaluation.Request(call.request().principalArn(), action.getAsString(), key.get(), context),
                        "DynamoDB on its behalf, for its " + call.request().action() + " on a table under this key"));
            }
        }
        return List.copyOf(kms.values());
    }

    private static IamEvaluation.Request request(String role, String action, String resource) {
        return new IamEvaluation.Request(role, action, resource, Map.of());
    }

    static IamPolicy rolePolicy(String stack, String function) {
        return IamPolicy.fromJson(value(StackRuns.of(stack).named(RolePolicy.class, function + "-policy").policy()));
    }

    /** The key's own policy, or KMS's default one where the program sets none. */
    private static IamPolicy keyPolicy(String stack, Call call) {
        Key key = StackRuns.of(stack).all(Key.class).stream().filter(k -> value(k.arn()).equals(call.request().resource())).findFirst()
                .orElseThrow(() -> new AssertionError(call.request().resource() + " is no key of " + stack + ": its policy is not declared here"));
        return Optional.ofNullable(value(key.policy())).filter(policy -> !policy.isBlank()).map(IamPolicy::fromJson)
                .orElseGet(() -> IamPolicy.fromJson(json("kms-default-key-policy.json").getAsJsonObject("policy").toString()
                        .replace("{account}", call.request().account())));
    }

    private static JsonObject json(String name) {
        try {
            return JsonParser.parseString(Files.readString(DATA.resolve(name))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
