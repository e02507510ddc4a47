package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.iam.Role;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.Resource;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.preview.RecordingMocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS calls a deployment of one stack makes, resource by resource, as
 * {@code permissions/deployer/provider-calls.json} records them for each resource type, each
 * naming the ARN AWS authorizes it against (built from the offline preview's resource names, ids
 * and references, in the formats of the Service Authorization Reference) and the request's tag
 * and service context.
 */
final class ProviderCalls {
    static final Path DATA = ProjectLayout.current().root().resolve("stacks/src/test/resources/permissions/deployer/provider-calls.json");
    static final List<String> WRITES = List.of("create", "update", "delete");

    /** One resource of the preview, as deployed: its physical name, AWS id, inputs and tags. */
    record Deployed(String type, String name, String physical, String id, Map<String, Object> inputs, Map<String, String> tags,
                    Optional<String> mockArn) {}

    /** One call: which resource it serves, in which step (create, read, update, delete, invoke), and where the data says it is made. */
    record Call(Deployed resource, String op, IamEvaluation.Request request, String from) {
        String describe() {
            return resource.type() + " " + resource.name() + " " + op + ": " + request.action() + " on " + request.resource()
                    + (request.context().isEmpty() ? "" : " " + request.context());
        }
    }

    final String stack;
    final String region;
    final String account;
    final List<Deployed> deployed;

    private ProviderCalls(String stack) {
        StackRuns run = StackRuns.of(stack);
        this.stack = stack;
        this.region = StackSettings.from(StackFile.load(ProjectLayout.current(), stack)).region();
        this.account = value(run.all(Role.class).get(0).arn()).split(":")[4];
        List<Deployed> all = new ArrayList<>();
        for (RecordingMocks.Declared declared : run.run.mocks().declared()) {
            Resource resource = run.run.result().resources().stream()
                    .filter(r -> r.pulumiResourceType().equals(declared.type()) && r.pulumiResourceName().equals(declared.name()))
                    .findFirst().orElseThrow();
            String id = resource instanceof CustomResource custom ? value(custom.id()) : declared.name();
            Object name = declared.inputs().get("name");
            Map<String, String> tags = new LinkedHashMap<>();
            if (declared.inputs().get("tags") instanceof Map<?, ?> declaredTags) {
                declaredTags.forEach((key, tag) -> tags.put(String.valueOf(key), String.valueOf(tag)));
            }
            all.add(new Deployed(declared.type(), declared.name(), name instanceof String s ? s : declared.name() + "-a1b2c3d", id,
                    declared.inputs(), tags, mockArn(resource)));
        }
        this.deployed = List.copyOf(all);
    }

    private static final Map<String, ProviderCalls> OF_STACK = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<Call>> callsBy = new java.util.concurrent.ConcurrentHashMap<>();

    static ProviderCalls of(String stack) {
        return OF_STACK.computeIfAbsent(stack, ProviderCalls::new);
    }

    private static final JsonObject JSON = load();
    private static final Set<String> READS = reads();

    static JsonObject data() {
        return JSON;
    }

    private static JsonObject load() {
        try {
            return JsonParser.parseString(Files.readString(DATA)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The role a stack's workspace deploys with (README: users-api-deployer-<env>). */
    String deployerRole() {
        return "arn:aws:iam::" + account + ":role/users-api-deployer-" + stack;
    }

    /** Every call a deployment of this stack makes, by {@code principal}: every step of every resource, and the program's invokes. */
    List<Call> calls(String principal) {
        return callsBy.computeIfAbsent(principal, this::callsOf);
    }

    private List<Call> callsOf(String principal) {
        JsonObject data = data();
        JsonObject types = data.getAsJsonObject("types");
        List<Call> calls = new ArrayList<>();
        for (Deployed resource : deployed) {
            JsonObject type = Optional.ofNullable(types.getAsJsonObject(resource.type()))
                    .orElseThrow(() -> new AssertionError("no provider calls recorded for " + resource.type() + " (" + resource.name() + ")"));
            if (type.has("calls")) {
                calls.addAll(callsOf(resource, type.getAsJsonArray("calls"), principal));
            }
        }
        for (var invoke : data.getAsJsonObject("invokes").entrySet()) {
            JsonObject entry = invoke.getValue().getAsJsonObject();
            for (Deployed resource : deployed) {
                if (resource.type().equals(entry.get("of").getAsString())) {
                    calls.addAll(callsOf(resource, entry.getAsJsonArray("calls"), principal));
                }
            }
        }
        return List.copyOf(calls);
    }

    private List<Call> callsOf(Deployed resource, Iterable<JsonElement> specs, String principal) {
        List<Call> calls = new ArrayList<>();
        for (JsonElement element : specs) {
            JsonObject spec = element.getAsJsonObject();
            Optional<Deployed> target = target(resource, spec.get("on").getAsString());
            if (spec.get("on").getAsString().startsWith("key-of:") && target.isEmpty()) {
                continue; // no customer-managed key: the service makes no KMS call for the caller
            }
            String arn = arnOn(resource, spec.get("on").getAsString(), target);
            Map<String, String> context = new LinkedHashMap<>();
            switch (spec.get("tags").getAsString()) {
                case "request" -> resource.tags().forEach((key, tag) -> context.put("aws:RequestTag/" + key, tag));
                case "resource" -> target.orElseThrow(() -> new AssertionError("tags: resource without a resource in " + spec))
                        .tags().forEach((key, tag) -> context.put("aws:ResourceTag/" + key, tag));
                case "none" -> { }
                default -> throw new IllegalArgumentException("unknown tags " + spec.get("tags"));
            }
            if (spec.has("context")) {
                for (var entry : spec.getAsJsonObject("context").entrySet()) {
                    contextValue(entry.getValue().getAsString(), resource, target).ifPresent(value -> context.put(entry.getKey(), value));
                }
            }
            for (JsonElement action : spec.getAsJsonArray("actions")) {
                calls.add(new Call(resource, spec.get("op").getAsString(),
                        new IamEvaluation.Request(principal, action.getAsString(), arn, Map.copyOf(context)),
                        spec.has("from") ? spec.get("from").getAsString() : ""));
            }
        }
        return calls;
    }

    /**
     * A request context value of the data: the region, or an input of the resource or of the one
     * the call acts on; a role's boundary only where it has one (IAM evaluates
     * {@code iam:PermissionsBoundary} as the role's boundary, absent for a role without).
     */
    private Optional<String> contextValue(String template, Deployed resource, Optional<Deployed> target) {
        return switch (template) {
            case "{permissionsBoundary}" -> Optional.ofNullable(resource.inputs().get("permissionsBoundary")).map(String::valueOf);
            case "{boundaryOfTarget}" -> target.flatMap(role -> Optional.ofNullable(role.inputs().get("permissionsBoundary"))).map(String::valueOf);
            default -> Optional.of(template.replace("{region}", region).replace("{policyArn}", String.valueOf(resource.inputs().get("policyArn"))));
        };
    }

    /** The resource whose ARN a call is authorized against, where it is one of the stack's. */
    private Optional<Deployed> target(Deployed resource, String on) {
        if (on.equals("self") || on.startsWith("self:") || on.equals("tags-of-self")) {
            return Optional.of(resource);
        }
        if (on.startsWith("ref:")) {
            return Optional.of(referenced(resource, on.substring(4).split(":")[0]));
        }
        if (on.startsWith("key-of:")) {
            Object value = resource.inputs();
            for (String part : on.substring(7).split("\\.")) {
                value = value instanceof Map<?, ?> map ? map.get(part) : null;
            }
            return value instanceof String key ? Optional.of(find(key, resource)) : Optional.empty();
        }
        return Optional.empty();
    }

    private String arnOn(Deployed resource, String on, Optional<Deployed> target) {
        if (on.equals("*")) {
            return "*";
        }
        if (on.equals("collection")) {
            return collection(resource);
        }
        if (on.equals("tags-of-self")) {
            return "arn:aws:apigateway:" + region + "::/tags/" + URLEncoder.encode(arn(resource), StandardCharsets.UTF_8);
        }
        String arn = arn(target.orElseThrow(() -> new AssertionError("no resource for " + on)));
        if (on.startsWith("self:")) {
            return arn + ":" + on.substring(5);
        }
        return on.endsWith(":qualified") ? arn + ":" + resource.inputs().get("qualifier") : arn;
    }

    private Deployed referenced(Deployed resource, String input) {
        Object value = resource.inputs().get(input);
        if (!(value instanceof String reference)) {
            throw new AssertionError(resource.type() + " " + resource.name() + " has no input " + input);
        }
        return find(reference, resource);
    }

    /** The stack's resource an input names, by its id, name or ARN. */
    private Deployed find(String reference, Deployed from) {
        return deployed.stream().filter(d -> d.type().startsWith("aws:") && (reference.equals(d.id()) || reference.equals(d.physical())
                        || d.mockArn().filter(reference::equals).isPresent() || reference.equals(arnOrEmpty(d))))
                .findFirst().orElseThrow(() -> new AssertionError(from.name() + " names " + reference + ", which is no resource of " + stack));
    }

    private String arnOrEmpty(Deployed d) {
        try {
            return arn(d);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The resource's ARN, in the format of its service's Service Authorization Reference. */
    String arn(Deployed d) {
        String regional = ":" + region + ":" + account + ":";
        return switch (d.type()) {
            case "aws:dynamodb/table:Table" -> "arn:aws:dynamodb" + regional + "table/" + d.physical();
            case "aws:lambda/function:Function" -> "arn:aws:lambda" + regional + "function:" + d.physical();
            case "aws:lambda/eventSourceMapping:EventSourceMapping" -> "arn:aws:lambda" + regional + "event-source-mapping:" + d.id();
            case "aws:iam/role:Role" -> "arn:aws:iam::" + account + ":role/" + d.physical();
            case "aws:cloudwatch/logGroup:LogGroup" -> "arn:aws:logs" + regional + "log-group:" + d.physical();
            case "aws:cloudwatch/metricAlarm:MetricAlarm" -> "arn:aws:cloudwatch" + regional + "alarm:" + d.physical();
            case "aws:cloudwatch/dashboard:Dashboard" -> "arn:aws:cloudwatch::" + account + ":dashboard/" + d.inputs().get("dashboardName");
            case "aws:apigatewayv2/api:Api" -> "arn:aws:apigateway:" + region + "::/apis/" + d.id();
            case "aws:apigatewayv2/stage:Stage" -> collection(d) + "/" + d.inputs().get("name");
            case "aws:apigatewayv2/route:Route", "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/authorizer:Authorizer" ->
                    collection(d) + "/" + d.id();
            case "aws:cognito/userPool:UserPool" -> "arn:aws:cognito-idp" + regional + "userpool/" + d.id();
            case "aws:kms/key:Key" -> "arn:aws:kms" + regional + "key/" + d.id();
            case "aws:sqs/queue:Queue" -> "arn:aws:sqs" + regional + d.physical();
            case "aws:sns/topic:Topic" -> "arn:aws:sns" + regional + d.physical();
            case "aws:backup/vault:Vault" -> "arn:aws:backup" + regional + "backup-vault:" + d.physical();
            case "aws:backup/plan:Plan" -> "arn:aws:backup" + regional + "backup-plan:" + d.id();
            default -> throw new IllegalArgumentException("no ARN of its own is authorized for " + d.type() + " here: name the resource it acts on");
        };
    }

    /** What a create is authorized against before the resource has an id: the API's collection of that kind. */
    private String collection(Deployed d) {
        String apis = "arn:aws:apigateway:" + region + "::/apis";
        return switch (d.type()) {
            case "aws:apigatewayv2/api:Api" -> apis;
            case "aws:apigatewayv2/stage:Stage" -> apis + "/" + d.inputs().get("apiId") + "/stages";
            case "aws:apigatewayv2/route:Route" -> apis + "/" + d.inputs().get("apiId") + "/routes";
            case "aws:apigatewayv2/integration:Integration" -> apis + "/" + d.inputs().get("apiId") + "/integrations";
            case "aws:apigatewayv2/authorizer:Authorizer" -> apis + "/" + d.inputs().get("apiId") + "/authorizers";
            default -> throw new IllegalArgumentException("no collection for " + d.type());
        };
    }

    /**
     * The actions any type's reads make, and those a write step makes only to read (a waiter): a
     * write step may make them (the read after a create, a service's look-up of a key or a log
     * group) without changing anything.
     */
    static Set<String> readActions() {
        return READS;
    }

    private static Set<String> reads() {
        Set<String> reads = new TreeSet<>();
        for (var type : JSON.getAsJsonObject("types").entrySet()) {
            JsonObject entry = type.getValue().getAsJsonObject();
            if (entry.has("calls")) {
                for (JsonElement call : entry.getAsJsonArray("calls")) {
                    JsonObject spec = call.getAsJsonObject();
                    if (spec.get("op").getAsString().equals("read") || (spec.has("changesNothing") && spec.get("changesNothing").getAsBoolean())) {
                        call.getAsJsonObject().getAsJsonArray("actions").forEach(a -> reads.add(a.getAsString()));
                    }
                }
            }
        }
        return Set.copyOf(reads);
    }

    /** Whether a call changes something: a create, update or delete step's call of an action no read makes. */
    static boolean changes(Call call) {
        return WRITES.contains(call.op()) && !readActions().contains(call.request().action());
    }

    private static Optional<String> mockArn(Resource resource) {
        try {
            Object arn = resource.getClass().getMethod("arn").invoke(resource);
            return arn instanceof Output<?> output ? Optional.ofNullable(value(output)).map(String::valueOf) : Optional.empty();
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }
}
