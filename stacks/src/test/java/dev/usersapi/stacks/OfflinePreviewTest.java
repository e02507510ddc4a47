package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.stacks.preview.OfflinePreview;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes each stack's offline preview to its documented path, where the policy pack's tests
 * read it, and checks it holds every resource the program declared with its inputs.
 */
class OfflinePreviewTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void previewListsEveryDeclaredResourceWithItsInputs(String stack) throws IOException {
        ProjectLayout layout = ProjectLayout.current();
        StackRuns runs = StackRuns.of(stack);
        Path file = OfflinePreview.write(layout, stack, runs.run);

        assertEquals(OfflinePreview.previewFile(layout, stack), file);
        JsonObject preview = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals(stack, preview.get("stack").getAsString());
        var resources = preview.getAsJsonArray("resources");
        long cloudResources = runs.run.mocks().declared().stream().filter(declared -> declared.type().startsWith("aws:")).count();
        assertEquals(cloudResources, resources.size(), "every AWS resource; the program's own components are not in a preview's policy view");
        for (JsonElement element : resources) {
            JsonObject resource = element.getAsJsonObject();
            assertTrue(resource.get("urn").getAsString().startsWith("urn:pulumi:" + stack + "::users-api::"));
            assertTrue(resource.getAsJsonObject("props").size() > 0, resource.get("name").getAsString() + " has inputs");
        }
    }
}
