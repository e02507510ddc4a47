package dev.usersapi.stacks.preview;

import com.google.gson.GsonBuilder;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.Resource;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.StackSettings;
import dev.usersapi.stacks.UsersApiProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reviewable equivalent of {@code pulumi preview} on a machine without the cloud: runs the
 * real program under Pulumi's mocks and writes, for each stack, every resource it declares
 * (type, logical name, URN, inputs) as JSON to {@code stacks/target/offline-preview/<stack>.json}.
 * The policy pack's tests read those files.
 *
 * <pre>mvn -q -pl stacks compile exec:java -DmainClass=dev.usersapi.stacks.preview.OfflinePreview -DmainArgs="dev staging prod"</pre>
 */
public final class OfflinePreview {
    /** The jar path the resources name; the preview reads no jar, so none needs to be built. */
    static final String PREVIEW_JAR = "handlers/target/users-api-handlers-1.0.0-SNAPSHOT-lambda.jar";

    /** One stack's run under mocks: the typed resources and what the mocks recorded. */
    public record Run(TestResult result, RecordingMocks mocks) {}

    private OfflinePreview() {}

    public static void main(String[] args) {
        ProjectLayout layout = ProjectLayout.current();
        List<String> stacks = args.length == 0 ? List.of("dev", "staging", "prod") : List.of(String.join(" ", args).trim().split("\\s+"));
        for (String stack : stacks) {
            Path written = write(layout, stack, run(layout, StackSettings.from(StackFile.load(layout, stack))));
            System.out.println("offline preview of " + stack + ": " + layout.root().relativize(written));
        }
        System.exit(0);
    }

    /** Runs the program for these settings under mocks, as a preview. */
    public static Run run(ProjectLayout layout, StackSettings settings) {
        RecordingMocks mocks = new RecordingMocks();
        try {
            TestResult result = PulumiTest.withMocks(mocks)
                    .withOptions(TestOptions.builder().projectName(StackFile.PROJECT).stackName(settings.stack()).preview(true)
                            .resourceTransformations(List.of(mocks.optionsRecorder())).build())
                    .runTest(ctx -> UsersApiProgram.define(ctx, settings, layout, layout.root().resolve(PREVIEW_JAR)));
            return new Run(result, mocks);
        } finally {
            PulumiTest.cleanup();
        }
    }

    public static Path previewFile(ProjectLayout layout, String stack) {
        return layout.root().resolve("stacks/target/offline-preview/" + stack + ".json");
    }

    /**
     * The URN the engine gives a resource. Pulumi's mocks qualify the type of a child of the stack
     * with the stack's type ({@code pulumi:pulumi:Stack$aws:...}); the engine leaves the root
     * stack's type out (its {@code generateURN}), so the mocks' URNs are mapped to the engine's.
     */
    public static String engineUrn(String mocksUrn) {
        return mocksUrn.replace("::pulumi:pulumi:Stack$", "::");
    }

    /** Writes the resources as the policy engine sees them: type, name, urn, props (the inputs) and protect. */
    public static Path write(ProjectLayout layout, String stack, Run run) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Resource resource : run.result().resources()) {
            if (!(resource instanceof CustomResource)) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", resource.pulumiResourceType());
            entry.put("name", resource.pulumiResourceName());
            entry.put("urn", engineUrn(PulumiTest.extractValue(resource.urn())));
            entry.put("protect", run.mocks().isProtected(resource.pulumiResourceType(), resource.pulumiResourceName()));
            entry.put("props", run.mocks().find(resource.pulumiResourceType(), resource.pulumiResourceName())
                    .map(RecordingMocks.Declared::inputs).orElse(Map.of()));
            resources.add(entry);
        }
        Path file = previewFile(layout, stack);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                    .toJson(Map.of("stack", stack, "resources", resources)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
