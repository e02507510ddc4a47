package dev.usersapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every AWS call a function's code makes in the tests, recorded through the SDK's execution
 * interceptor of the client the function is given: the IAM action and the resource it names
 * (the table by its name in the stack, the index). The stacks' {@code PermissionsTest} holds each
 * stack's role and key policies to {@value #FILE}, which this keeps equal to what the code does:
 * a call the file does not list fails the test that made it, with the command that rewrites the
 * file (the whole handlers suite, so that no call is left out).
 */
public final class FunctionCalls implements ExecutionInterceptor {
    static final String FILE = "stacks/src/test/resources/permissions/function-calls.json";
    static final String REGENERATE = "mvn -B -o -q -pl handlers -am test -Dusers-api.function-calls=write";
    /** The SDK's service names and the prefix IAM gives their actions. */
    private static final Map<String, String> IAM_PREFIXES = Map.of("DynamoDb", "dynamodb", "DynamoDbStreams", "dynamodb");

    /** One call: the IAM action and the resource, a table by its name in the stack and an index of it, if any. */
    public record Call(String action, String table, Optional<String> index) implements Comparable<Call> {
        @Override
        public int compareTo(Call other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return action + " on table " + table + index.map(name -> " index " + name).orElse("");
        }
    }

    private static final Map<String, String> TABLES = new ConcurrentHashMap<>();
    private static final Map<String, Set<Call>> RECORDED = new ConcurrentHashMap<>();
    /** Rewrite the file from this run; only the run on the embedded engine writes (the other endpoint's runs a part of the suite). */
    private static final boolean WRITE = "write".equals(System.getProperty("users-api.function-calls"))
            && DynamoDbEndpoint.requestedEndpoint().isEmpty();
    private static Map<String, Set<Call>> committed;

    static {
        if (WRITE) {
            Runtime.getRuntime().addShutdownHook(new Thread(FunctionCalls::write));
        }
    }

    private final String function;

    /** The interceptor of the client given to {@code function} (its name in the stack, {@code users-api}). */
    public FunctionCalls(String function) {
        this.function = function;
    }

    /** Names a test table by the table of the stack it stands for ({@code users}, {@code idempotency-keys}). */
    static void tableStandsFor(String testTable, String stackTable) {
        TABLES.put(testTable, stackTable);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String prefix = Optional.ofNullable(IAM_PREFIXES.get(service))
                .orElseThrow(() -> new AssertionError(function + " calls " + service + ", which FunctionCalls does not map to IAM"));
        SdkRequest request = context.request();
        String tableName = request.getValueForField("TableName", String.class)
                .orElseThrow(() -> new AssertionError(function + " calls " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
                        + ", which names no table: record its resource in FunctionCalls"));
        String table = Optional.ofNullable(TABLES.get(tableName)).orElse(tableName);
        Call call = new Call(prefix + ":" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), table,
                request.getValueForField("IndexName", String.class));
        RECORDED.computeIfAbsent(function, name -> new ConcurrentHashMap<Call, Boolean>().keySet(true)).add(call);
        if (!WRITE && !committed().getOrDefault(function, Set.of()).contains(call)) {
            throw new AssertionError(function + " made a call " + FILE + " does not list: " + call
                    + ". The stacks' PermissionsTest holds the roles to that file; rewrite it with: " + REGENERATE);
        }
    }

    private static synchronized Map<String, Set<Call>> committed() {
        if (committed == null) {
            committed = read(ProjectLayout.current().root().resolve(FILE));
        }
        return committed;
    }

    static Map<String, Set<Call>> read(Path file) {
        try {
            JsonNode functions = new ObjectMapper().readTree(Files.readString(file)).get("functions");
            Map<String, Set<Call>> calls = new TreeMap<>();
            functions.fields().forEachRemaining(entry -> {
                Set<Call> set = new TreeSet<>();
                entry.getValue().forEach(call -> set.add(new Call(call.get("action").asText(), call.get("table").asText(),
                        Optional.ofNullable(call.get("index")).map(JsonNode::asText))));
                calls.put(entry.getKey(), set);
            });
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("source", "Recorded by the handlers' tests (dev.usersapi.testing.FunctionCalls, an AWS SDK execution interceptor on the"
                + " client each function is given). Rewrite with the whole handlers suite: " + REGENERATE);
        Map<String, List<Map<String, String>>> functions = new TreeMap<>();
        RECORDED.forEach((function, calls) -> functions.put(function, new TreeSet<>(calls).stream().map(call -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("action", call.action());
            entry.put("table", call.table());
            call.index().ifPresent(index -> entry.put("index", index));
            return entry;
        }).toList()));
        document.put("functions", functions);
        Path file = ProjectLayout.current().root().resolve(FILE);
        try {
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document) + "\n",
                    StandardCharsets.UTF_8);
            System.err.println("users-api: wrote " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
