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
 * Guide). Every call must be allowed in every stack under IAM's evaluation logic
 * ({@link IamEvaluation}); every action a role grants must serve a call.
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

    private static IamEvaluation.Decision decide(String stack, Call call) {
        List<IamPolicy> identity = List.of(rolePolicy(stack, call.function()));
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
