package dev.usersapi.stacks.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the last release deployed in one stack ({@code stacks/src/test/resources/baselines/<stack>.json}):
 * every resource's URN and, for each stateful resource (tables, KMS keys, log groups, queues), the
 * inputs whose change replaces it ({@code replacing-inputs.json}). A preview is held to it as the
 * engine would diff it against the stack's state: a stateful resource of the release that no
 * registration is, by its URN or an alias, would be deleted; one whose replacing input changed
 * would be replaced. Both lose data. A release rewrites the baselines on purpose with {@link #WRITE_COMMAND}.
 */
final class ReleaseBaseline {
    static final String WRITE_COMMAND = "mvn -B -o -q -pl stacks test -Dtest=PulumiCliPreviewTest -Dusers-api.baseline=write";
    static final boolean WRITE = "write".equals(System.getProperty("users-api.baseline"));

    private final Path file;
    private final Set<String> urns;
    private final Map<String, JsonObject> stateful;
    private final JsonObject replacing;

    private ReleaseBaseline(Path file, Set<String> urns, Map<String, JsonObject> stateful, JsonObject replacing) {
        this.file = file;
        this.urns = urns;
        this.stateful = stateful;
        this.replacing = replacing;
    }

    static ReleaseBaseline of(Path root, String stack) {
        Path directory = root.resolve("stacks/src/test/resources/baselines");
        JsonObject replacing = read(directory.resolve("replacing-inputs.json")).getAsJsonObject("types");
        Path file = directory.resolve(stack + ".json");
        if (!Files.exists(file)) {
            return new ReleaseBaseline(file, Set.of(), Map.of(), replacing);
        }
        JsonObject baseline = read(file);
        Set<String> urns = new TreeSet<>();
        baseline.getAsJsonArray("resources").forEach(urn -> urns.add(urn.getAsString()));
        Map<String, JsonObject> stateful = new TreeMap<>();
        baseline.getAsJsonObject("stateful").entrySet().forEach(entry -> stateful.put(entry.getKey(), entry.getValue().getAsJsonObject()));
        return new ReleaseBaseline(file, urns, stateful, replacing);
    }

    /** The URNs the stack's state holds: the engine's olds. */
    Set<String> urns() {
        return urns;
    }

    Path file() {
        return file;
    }

    /** What would lose data: each stateful resource of the release deleted or replaced by this preview. */
    List<String> losses(List<PreviewEngine.Registration> registrations) {
        List<String> losses = new ArrayList<>();
        stateful.forEach((urn, inputs) -> {
            var found = registrations.stream().filter(r -> r.oldUrn().equals(urn)).findFirst();
            String type = inputs.get("type").getAsString();
            if (found.isEmpty()) {
                losses.add(urn + " would be DELETED: no resource of this preview has its URN or an alias to it"
                        + " (give the resource that takes its place the alias, or, on purpose, rewrite the baseline: " + WRITE_COMMAND + ")");
                return;
            }
            JsonObject now = replacingInputs(type, found.get().inputsJson());
            for (String input : inputs.getAsJsonObject("inputs").keySet()) {
                JsonElement before = inputs.getAsJsonObject("inputs").get(input);
                JsonElement after = now.get(input);
                if (!before.equals(after)) {
                    losses.add(urn + " would be REPLACED: " + input + " changes from " + before + " to " + after + " ("
                            + replacing.getAsJsonObject(type).get("source").getAsString() + ")");
                }
            }
        });
        return losses;
    }

    /** Writes this preview as the stack's release baseline. */
    void write(String stack, List<PreviewEngine.Registration> registrations) {
        JsonArray resources = new JsonArray();
        JsonObject statefulResources = new JsonObject();
        registrations.stream().map(PreviewEngine.Registration::urn).sorted().forEach(resources::add);
        registrations.stream().filter(r -> replacing.has(r.type())).sorted(java.util.Comparator.comparing(PreviewEngine.Registration::urn))
                .forEach(r -> {
                    JsonObject entry = new JsonObject();
                    entry.addProperty("type", r.type());
                    entry.add("inputs", replacingInputs(r.type(), r.inputsJson()));
                    statefulResources.add(r.urn(), entry);
                });
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("stack", stack);
        document.put("about", "What the last release deployed: every resource's URN and, for each stateful resource, its replacing inputs"
                + " (replacing-inputs.json). Rewritten on purpose, as part of a release, with: " + WRITE_COMMAND);
        document.put("resources", resources);
        document.put("stateful", statefulResources);
        try {
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(document) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The replacing inputs of a resource as registered; a table's key attributes with their types. */
    private JsonObject replacingInputs(String type, String inputsJson) {
        JsonObject registered = JsonParser.parseString(inputsJson).getAsJsonObject();
        JsonObject rule = replacing.getAsJsonObject(type);
        JsonObject inputs = new JsonObject();
        rule.getAsJsonArray("inputs").forEach(name -> inputs.add(name.getAsString(),
                registered.has(name.getAsString()) ? registered.get(name.getAsString()) : JsonNull.INSTANCE));
        if (rule.has("keyAttributeTypes") && registered.has("attributes")) {
            Set<String> keys = new TreeSet<>();
            for (String key : List.of("hashKey", "rangeKey")) {
                if (registered.has(key)) {
                    keys.add(registered.get(key).getAsString());
                }
            }
            if (registered.has("localSecondaryIndexes")) {
                registered.getAsJsonArray("localSecondaryIndexes").forEach(lsi -> keys.add(lsi.getAsJsonObject().get("rangeKey").getAsString()));
            }
            JsonObject types = new JsonObject();
            registered.getAsJsonArray("attributes").forEach(attribute -> {
                String name = attribute.getAsJsonObject().get("name").getAsString();
                if (keys.contains(name)) {
                    types.add(name, attribute.getAsJsonObject().get("type"));
                }
            });
            inputs.add("keyAttributeTypes", types);
        }
        return inputs;
    }

    private static JsonObject read(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
