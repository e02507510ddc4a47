package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.Function;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java functions of each stack, as the stack file sizes them. */
class FunctionsTest {
    private static StackSettings settings(String stack) {
        return StackSettings.from(StackFile.load(ProjectLayout.current(), stack));
    }

    private static Function api(String stack) {
        return StackRuns.of(stack).named(Function.class, "users-api");
    }

    private static Function stream(String stack) {
        return StackRuns.of(stack).named(Function.class, "users-stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void functionsRunJava21OnArm64(String stack) {
        for (Function function : List.of(api(stack), stream(stack))) {
            assertEquals(Optional.of("java21"), value(function.runtime()));
            // A runtime the pinned provider validates against: its Runtime enum lists what it accepts.
            assertTrue(java.util.Arrays.stream(com.pulumi.aws.lambda.enums.Runtime.values())
                    .anyMatch(runtime -> runtime.getValue().equals(JavaFunction.RUNTIME)), JavaFunction.RUNTIME);
            assertEquals(List.of("arm64"), value(function.architectures()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void handlersAreTheJarsEntryPoints(String stack) {
        assertEquals(Optional.of("dev.usersapi.api.UsersApiHandler::handleRequest"), value(api(stack).handler()));
        assertEquals(Optional.of("dev.usersapi.stream.UserStreamHandler::handleRequest"), value(stream(stack).handler()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void memoryAndTimeoutComeFromTheStackFile(String stack) {
        var functions = settings(stack).functions();
        assertEquals(Optional.of(functions.api().memoryMb()), value(api(stack).memorySize()));
        assertEquals(Optional.of(functions.api().timeoutSeconds()), value(api(stack).timeout()));
        assertEquals(Optional.of(functions.stream().memoryMb()), value(stream(stack).memorySize()));
        assertEquals(Optional.of(functions.stream().timeoutSeconds()), value(stream(stack).timeout()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void snapStartRestoresPublishedVersionsBehindTheLiveAlias(String stack) {
        for (Function function : List.of(api(stack), stream(stack))) {
            assertEquals("PublishedVersions", value(function.snapStart()).orElseThrow().applyOn());
            assertEquals(Optional.of(true), value(function.publish()));
        }
        for (Alias alias : StackRuns.of(stack).all(Alias.class)) {
            assertEquals("live", value(alias.name()));
            assertEquals("1", value(alias.functionVersion()), "the alias points at the version just published");
        }
        assertEquals(2, StackRuns.of(stack).all(Alias.class).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void javaToolOptionsStopAtC1(String stack) {
        for (Function function : List.of(api(stack), stream(stack))) {
            Map<String, String> variables = value(function.environment()).orElseThrow().variables();
            assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", variables.get("JAVA_TOOL_OPTIONS"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void apiFunctionKnowsTheTableAndIndexByEnvironment(String stack) {
        Map<String, String> variables = value(api(stack).environment()).orElseThrow().variables();
        assertEquals(StackRuns.of(stack).output("tableName"), variables.get("USERS_TABLE"),
                "the table's name, resolved from the table resource");
        assertEquals("email-index", variables.get("USERS_EMAIL_INDEX"));
        assertEquals(stack.equals("dev") ? "PT120H" : "off", variables.get("USERS_RETENTION"), "dev's demo retention; the others keep users");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void logsGoToALogGroupWithTheStacksRetention(String stack) {
        int days = settings(stack).functions().logRetentionDays();
        for (Function function : List.of(api(stack), stream(stack))) {
            String group = value(function.loggingConfig()).logGroup().orElseThrow();
            LogGroup logGroup = StackRuns.of(stack).all(LogGroup.class).stream()
                    .filter(candidate -> value(candidate.name()).equals(group)).findFirst().orElseThrow();
            assertEquals(Optional.of(days), value(logGroup.retentionInDays()));
        }
        assertTrue(days > 0);
    }
}
