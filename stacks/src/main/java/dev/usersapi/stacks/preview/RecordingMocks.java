package dev.usersapi.stacks.preview;

import com.pulumi.test.Mocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Pulumi mocks that record every resource the program declares, with its inputs as the engine
 * receives them, and answer with the outputs AWS would compute (ARNs, names, URLs). Without
 * those outputs, every input that depends on one would be dropped silently.
 */
public final class RecordingMocks implements Mocks {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "eu-west-1";

    /** A resource as declared: its type token, logical name and inputs. */
    public record Declared(String type, String name, Map<String, Object> inputs) {}

    private final List<Declared> declared = new ArrayList<>();
    private final java.util.Set<String> protectedUrnsByName = new java.util.HashSet<>();

    @Override
    public synchronized CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
        declared.add(new Declared(args.type, args.name, Map.copyOf(args.inputs)));
        Map<String, Object> state = new HashMap<>(args.inputs);
        String physical = String.valueOf(args.inputs.getOrDefault("name", args.name + "-a1b2c3d"));
        state.putIfAbsent("name", physical);
        String id = id(args.type, physical);
        state.putAll(outputs(args.type, physical, id));
        return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(id), state));
    }

    /**
     * A stack transformation that changes nothing and notes which resources carry Pulumi's
     * {@code protect} option, which the mocks' resource arguments do not show.
     */
    public com.pulumi.resources.ResourceTransformation optionsRecorder() {
        return args -> {
            if (args.options().isProtect()) {
                synchronized (this) {
                    protectedUrnsByName.add(args.resource().pulumiResourceType() + "::" + args.resource().pulumiResourceName());
                }
            }
            return Optional.empty();
        };
    }

    public synchronized boolean isProtected(String type, String name) {
        return protectedUrnsByName.contains(type + "::" + name);
    }

    public synchronized List<Declared> declared() {
        return List.copyOf(declared);
    }

    public synchronized Optional<Declared> find(String type, String name) {
        return declared.stream().filter(d -> d.type().equals(type) && d.name().equals(name)).findFirst();
    }

    /** The ID AWS gives: a Cognito user pool's is {@code <region>_<9 characters>}, which its issuer URL ends with. */
    private static String id(String type, String name) {
        return switch (type) {
            case "aws:cognito/userPool:UserPool" -> REGION + "_a1B2c3D4e";
            default -> name + "-id";
        };
    }

    private static Map<String, Object> outputs(String type, String name, String id) {
        String prefix = "arn:aws:%s:" + REGION + ":" + ACCOUNT + ":";
        return switch (type) {
            case "aws:dynamodb/table:Table" -> Map.of(
                    "arn", prefix.formatted("dynamodb") + "table/" + name,
                    "streamArn", prefix.formatted("dynamodb") + "table/" + name + "/stream/2026-01-01T00:00:00.000");
            case "aws:lambda/function:Function" -> Map.of(
                    "arn", prefix.formatted("lambda") + "function:" + name,
                    "invokeArn", "arn:aws:apigateway:" + REGION + ":lambda:path/2015-03-31/functions/"
                            + prefix.formatted("lambda") + "function:" + name + "/invocations",
                    "version", "1");
            case "aws:lambda/alias:Alias" -> Map.of(
                    "arn", prefix.formatted("lambda") + "function:users-fn:" + name,
                    "invokeArn", "arn:aws:apigateway:" + REGION + ":lambda:path/2015-03-31/functions/"
                            + prefix.formatted("lambda") + "function:users-fn:" + name + "/invocations");
            case "aws:apigatewayv2/api:Api" -> Map.of(
                    "apiEndpoint", "https://a1b2c3d4e5.execute-api." + REGION + ".amazonaws.com",
                    "executionArn", prefix.formatted("execute-api") + "a1b2c3d4e5",
                    "arn", "arn:aws:apigateway:" + REGION + "::/apis/a1b2c3d4e5");
            case "aws:sqs/queue:Queue" -> Map.of(
                    "arn", prefix.formatted("sqs") + name,
                    "url", "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + name);
            case "aws:cloudwatch/logGroup:LogGroup" -> Map.of("arn", prefix.formatted("logs") + "log-group:" + name);
            case "aws:iam/role:Role" -> Map.of("arn", "arn:aws:iam::" + ACCOUNT + ":role/" + name);
            case "aws:kms/key:Key" -> Map.of("arn", prefix.formatted("kms") + "key/" + name);
            case "aws:sns/topic:Topic" -> Map.of("arn", prefix.formatted("sns") + name);
            case "aws:cognito/userPool:UserPool" -> Map.of(
                    "arn", prefix.formatted("cognito-idp") + "userpool/" + id,
                    "endpoint", "cognito-idp." + REGION + ".amazonaws.com/" + id);
            default -> Map.of("arn", prefix.formatted(type.split("[:/]")[1]) + name);
        };
    }
}
