package dev.usersapi.stacks;

import com.pulumi.core.Output;
import com.pulumi.resources.Resource;
import com.pulumi.test.PulumiTest;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.preview.OfflinePreview;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The real program, run once per stack under Pulumi's mocks, with typed access to what it declared. */
final class StackRuns {
    static final List<String> STACKS = List.of("dev", "staging", "prod");
    private static final Map<String, StackRuns> RUNS = new ConcurrentHashMap<>();

    final String stack;
    final OfflinePreview.Run run;

    private StackRuns(String stack, OfflinePreview.Run run) {
        this.stack = stack;
        this.run = run;
    }

    static synchronized StackRuns of(String stack) {
        return RUNS.computeIfAbsent(stack, name -> {
            ProjectLayout layout = ProjectLayout.current();
            StackRuns runs = new StackRuns(name, OfflinePreview.run(layout, StackSettings.from(StackFile.load(layout, name))));
            if (!runs.run.result().exceptions().isEmpty() || !runs.run.result().errors().isEmpty()) {
                throw new AssertionError("the program failed for " + name + ": " + runs.run.result().exceptions()
                        + runs.run.result().errors());
            }
            return runs;
        });
    }

    <T extends Resource> List<T> all(Class<T> type) {
        return run.result().resources().stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Resource> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " in " + stack + ", found " + found.size());
        }
        return found.get(0);
    }

    <T extends Resource> T named(Class<T> type, String name) {
        return all(type).stream().filter(resource -> resource.pulumiResourceName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " in " + stack));
    }

    static <T> T value(Output<T> output) {
        return PulumiTest.extractValue(output);
    }

    Object output(String name) {
        return value(run.result().output(name));
    }
}
