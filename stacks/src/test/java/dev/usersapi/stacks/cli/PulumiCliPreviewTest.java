package dev.usersapi.stacks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.Resource;
import com.pulumi.test.PulumiTest;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.HandlersJar;
import dev.usersapi.stacks.StackSettings;
import dev.usersapi.stacks.preview.OfflinePreview;
import dev.usersapi.stacks.preview.RecordingMocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline stand-in for {@code pulumi preview}: the program is built and started in a fresh
 * clone, in a separate process, with exactly the Maven commands and environment Pulumi's Java
 * language host uses, against a gRPC engine of this test's own ({@link PreviewEngine}), with no
 * artifact of this project in the local Maven repository. What it registers must be what the
 * mocks tests expect. It also writes {@code stacks/target/engine-preview/<stack>.json}, the
 * resources as the engine hands them to a policy pack, which the pack's analyzer test reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PulumiCliPreviewTest {
    private static final List<String> STACKS = List.of("dev", "staging", "prod");
    /** The stack previewed again from a second clone. */
    private static final String REPRODUCED_STACK = "prod";
    /** Pulumi's wire format: the key that marks a special value, and the signatures of a secret and an archive. */
    private static final String SIG_KEY = "4dabf18193072939515e22adb298388d";
    private static final String SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
    private static final String ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

    private record StackRun(JavaLanguageHost.Result process, PreviewEngine engine, OfflinePreview.Run mocks) {}

    private final Map<String, StackRun> runs = new LinkedHashMap<>();
    private final Map<String, ReleaseBaseline> baselines = new LinkedHashMap<>();
    private ProjectLayout layout;
    private JavaLanguageHost host;
    /** The same commit in a second fresh clone, built on its own, with a change to documentation only. */
    private JavaLanguageHost secondHost;
    private StackRun secondRun;

    @BeforeAll
    void previewEveryStackFromAFreshClone() throws Exception {
        layout = ProjectLayout.current();
        Path work = layout.root().resolve("stacks/target/pulumi-cli");
        deleteTree(work);
        Path clone = FreshClone.of(layout.root(), work.resolve("clone"));
        IsolatedMavenHome maven = IsolatedMavenHome.create(Path.of(System.getProperty("users-api.maven.repository")), work.resolve("home"));
        host = new JavaLanguageHost(clone, maven.mavenOpts());
        for (String stack : STACKS) {
            ReleaseBaseline baseline = ReleaseBaseline.of(layout.root(), stack);
            baselines.put(stack, baseline);
            // An update of the stack as the last release left it, not a new stack: URNs and aliases are looked up among its resources.
            PreviewEngine engine = new PreviewEngine(host.projectName(), stack, baseline.urns());
            JavaLanguageHost.Result process = host.preview(stack, engine.address());
            OfflinePreview.Run mocks = OfflinePreview.run(layout, StackSettings.from(StackFile.load(layout, stack)));
            runs.put(stack, new StackRun(process, engine, mocks));
            engine.firstRegistration().ifPresent(first -> System.out.printf(
                    "pulumi preview of %s (offline): program started to first resource registration %d ms, whole run %d ms%n",
                    stack, Duration.between(process.started(), first).toMillis(), process.took().toMillis()));
            writeEnginePreview(stack, engine);
        }
        Instant started = Instant.now();
        Path second = FreshClone.of(layout.root(), work.resolve("clone-2"));
        for (String doc : List.of("README.md", "stacks/README.md")) {
            Files.writeString(second.resolve(doc), "\nA change to documentation only.\n", java.nio.file.StandardOpenOption.APPEND);
        }
        secondHost = new JavaLanguageHost(second, maven.mavenOpts());
        PreviewEngine engine = new PreviewEngine(secondHost.projectName(), REPRODUCED_STACK);
        secondRun = new StackRun(secondHost.preview(REPRODUCED_STACK, engine.address()), engine, runs.get(REPRODUCED_STACK).mocks());
        System.out.printf("pulumi preview of %s from a second fresh clone, its handlers jar built there too: %d ms%n", REPRODUCED_STACK,
                Duration.between(started, Instant.now()).toMillis());
    }

    @AfterAll
    void stopEngines() throws InterruptedException {
        for (StackRun run : runs.values()) {
            run.engine().close();
        }
        if (secondRun != null) {
            secondRun.engine().close();
        }
    }

    /**
     * Reproducible artifacts: the same commit, cloned twice and built separately (the second with
     * a change to its READMEs only), registers the same inputs, the engine's archive hashes
     * included, so a preview from a fresh runner or the operator's fresh clone shows no change.
     * prod has both functions and every kind of resource.
     */
    @Test
    void twoSeparatelyBuiltClonesOfACommitRegisterTheSameInputsHashesIncludedWhateverItsDocumentationSays() throws IOException {
        assertEquals(0, secondRun.process().exitCode(), secondRun.process().describe());
        Path firstJar = host.checkout().resolve("handlers/target/" + HandlersJar.fileName(host.checkout()));
        Path secondJar = secondHost.checkout().resolve("handlers/target/" + HandlersJar.fileName(secondHost.checkout()));
        String hash = ArchiveHashes.ofPath(firstJar);
        System.out.printf("the Lambda jar's sha256: %s (first clone), %s (second clone)%n", hash, ArchiveHashes.ofPath(secondJar));
        assertEquals(hash, ArchiveHashes.ofPath(secondJar), "the two clones' Lambda jars");
        try (ZipFile zip = new ZipFile(secondJar.toFile())) {
            assertTrue(zip.getEntry("dev/usersapi/api/UsersApiHandler.class") != null);
            assertTrue(zip.getEntry("dev/usersapi/stream/UserStreamHandler.class") != null);
            assertTrue(zip.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class") != null, "shaded");
            assertTrue(zip.stream().noneMatch(entry -> entry.getName().startsWith("dev/usersapi/engine/")), "no engine in the Lambda jar");
        }
        Map<String, String> first = inputsByUrn(runs.get(REPRODUCED_STACK).engine(), host.checkout());
        Map<String, String> reproduced = inputsByUrn(secondRun.engine(), secondHost.checkout());
        assertEquals(2, first.values().stream().filter(inputs -> inputs.contains("\"hash\":\"" + hash + "\"")).count(),
                "both functions' code carries the engine's hash of the jar");
        assertEquals(first, reproduced);
    }

    /** Each resource's inputs as registered, the checkout's own path written as {@code <checkout>}. */
    private static Map<String, String> inputsByUrn(PreviewEngine engine, Path checkout) {
        Map<String, String> inputs = new TreeMap<>();
        engine.registrations().forEach(r -> inputs.put(r.urn(), r.inputsJson().replace(checkout.toString(), "<checkout>")));
        return inputs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theProgramBuildsAndRunsFromAFreshCloneWithTheCommandsPulumiRuns(String stack) {
        StackRun run = runs.get(stack);
        assertEquals(0, run.process().exitCode(), run.process().describe());
        assertTrue(run.engine().registrations().stream().anyMatch(r -> r.type().equals("pulumi:pulumi:Stack")
                && r.name().equals(host.projectName() + "-" + stack)), "the stack resource is registered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theProgramRegistersTheResourcesTheMocksTestsExpect(String stack) {
        StackRun run = runs.get(stack);
        Set<String> expected = run.mocks().result().resources().stream()
                .map(resource -> OfflinePreview.engineUrn(PulumiTest.extractValue(resource.urn())))
                .filter(urn -> !urn.contains("::pulumi:pulumi:Stack::"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = run.engine().registrations().stream().map(PreviewEngine.Registration::urn)
                .filter(urn -> !urn.contains("::pulumi:pulumi:Stack::"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expected.size() > 20, "the mocks run declares the whole stack");
        assertEquals(expected, registered, "type, name and parent of every resource");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyInputKnownAtPreviewIsTheInputTheMocksTestsAssertOn(String stack) {
        StackRun run = runs.get(stack);
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Resource resource : run.mocks().result().resources()) {
            if (!(resource instanceof CustomResource)) {
                continue;
            }
            String urn = OfflinePreview.engineUrn(PulumiTest.extractValue(resource.urn()));
            JsonObject mocked = new Gson().toJsonTree(run.mocks().mocks()
                    .find(resource.pulumiResourceType(), resource.pulumiResourceName())
                    .map(RecordingMocks.Declared::inputs).orElseThrow()).getAsJsonObject();
            JsonObject sent = registration(run, urn).map(r -> JsonParser.parseString(r.inputsJson()).getAsJsonObject())
                    .orElseThrow(() -> new AssertionError("not registered: " + urn));
            assertEquals(new TreeSet<>(mocked.keySet()), new TreeSet<>(sent.keySet()), "input names of " + urn);
            for (String key : sent.keySet()) {
                compared += compare(urn + " " + key, onTheWire(sent.get(key), host.checkout()), inMocks(mocked.get(key), layout.root()),
                        differences);
            }
        }
        assertTrue(compared > 100, "known inputs compared: " + compared);
        assertEquals(List.of(), differences);
    }

    /**
     * Resource identity across releases: no table, key, log group or queue of the last release
     * would be deleted or replaced by this preview (ReleaseBaseline), unless an alias carries it
     * over; a release that means it rewrites the baseline ({@code -Dusers-api.baseline=write}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void noStatefulResourceOfTheLastReleaseWouldBeDeletedOrReplaced(String stack) {
        ReleaseBaseline baseline = baselines.get(stack);
        List<PreviewEngine.Registration> registrations = runs.get(stack).engine().registrations();
        if (ReleaseBaseline.WRITE) {
            baseline.write(stack, registrations);
            System.out.println("release baseline of " + stack + " written: " + layout.root().relativize(baseline.file()));
            return;
        }
        assertTrue(!baseline.urns().isEmpty(), "no release baseline " + baseline.file() + "; write it with " + ReleaseBaseline.WRITE_COMMAND);
        List<String> losses = baseline.losses(registrations);
        long aliased = registrations.stream().filter(r -> !r.oldUrn().isEmpty() && !r.oldUrn().equals(r.urn())).count();
        System.out.printf("release baseline of %s: %d resources, %d found by an alias, %s%n", stack, registrations.size(), aliased,
                losses.isEmpty() ? "no stateful resource deleted or replaced" : String.join("\n  ", losses));
        assertEquals(List.of(), losses, "stateful resources of the last release this preview would delete or replace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theResourcesTheMocksSeeProtectedAreProtected(String stack) {
        StackRun run = runs.get(stack);
        Set<String> expected = run.mocks().result().resources().stream()
                .filter(r -> run.mocks().mocks().isProtected(r.pulumiResourceType(), r.pulumiResourceName()))
                .map(r -> OfflinePreview.engineUrn(PulumiTest.extractValue(r.urn()))).collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = run.engine().registrations().stream().filter(PreviewEngine.Registration::protect)
                .map(PreviewEngine.Registration::urn).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, registered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void aPreviewNeedsNoProviderCallAndRegistersTheStackOutputs(String stack) {
        StackRun run = runs.get(stack);
        assertEquals(List.of(), run.engine().refused(), "invokes, reads or calls a preview would send to AWS");
        assertTrue(run.engine().outputsRegistered().contains("urn:pulumi:" + stack + "::" + host.projectName()
                + "::pulumi:pulumi:Stack::" + host.projectName() + "-" + stack), "the stack's exports");
        assertTrue(run.engine().logs().stream().noneMatch(log -> log.startsWith("ERROR")), String.join("\n", run.engine().logs()));
    }

    @Test
    void pluginDiscoveryNamesTheAwsPluginAtTheVersionThePomPins() {
        JavaLanguageHost.Result discovery = host.discoverPlugins();
        assertEquals(0, discovery.exitCode(), discovery.describe());
        // Debian's Maven 3.8 ends stdout with the ANSI reset ESC[0m; Go's JSON decoder in the
        // language host rejects it (the CLI then installs plugins on first use instead). The
        // Maven of the workflows and of the operator's image prints the JSON alone.
        String json = discovery.stdout().replace("\u001b[0m", "").trim();
        JsonArray plugins = JsonParser.parseString(json).getAsJsonArray();
        Map<String, String> versions = new TreeMap<>();
        plugins.forEach(p -> versions.put(p.getAsJsonObject().get("name").getAsString(), p.getAsJsonObject().get("version").getAsString()));
        assertEquals(Map.of("aws", System.getProperty("users-api.pulumi-aws.version")), versions);
        assertTrue(plugins.get(0).getAsJsonObject().get("resource").getAsBoolean());
    }

    private static java.util.Optional<PreviewEngine.Registration> registration(StackRun run, String urn) {
        return run.engine().registrations().stream().filter(r -> r.urn().equals(urn)).findFirst();
    }

    /** Compares a value the program sent with what the mocks saw; unknowns are skipped. Returns how many known leaves matched. */
    private static int compare(String path, JsonElement sent, JsonElement mocked, List<String> differences) {
        if (sent.isJsonPrimitive() && sent.getAsJsonPrimitive().isString() && sent.getAsString().equals(PreviewEngine.UNKNOWN)) {
            return 0;
        }
        if (sent.isJsonObject() && mocked != null && mocked.isJsonObject()) {
            int matched = 0;
            for (String key : new TreeSet<>(union(sent.getAsJsonObject().keySet(), mocked.getAsJsonObject().keySet()))) {
                JsonElement s = sent.getAsJsonObject().get(key);
                JsonElement m = mocked.getAsJsonObject().get(key);
                if (s == null || m == null) {
                    differences.add(path + "." + key + ": sent " + s + ", mocks saw " + m);
                } else {
                    matched += compare(path + "." + key, s, m, differences);
                }
            }
            return matched;
        }
        if (sent.isJsonArray() && mocked != null && mocked.isJsonArray() && sent.getAsJsonArray().size() == mocked.getAsJsonArray().size()) {
            int matched = 0;
            for (int i = 0; i < sent.getAsJsonArray().size(); i++) {
                matched += compare(path + "[" + i + "]", sent.getAsJsonArray().get(i), mocked.getAsJsonArray().get(i), differences);
            }
            return matched;
        }
        if (!sent.equals(mocked)) {
            differences.add(path + ": sent " + sent + ", mocks saw " + mocked);
            return 0;
        }
        return 1;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** A value as the program sent it: secrets unwrapped, a file archive named by its path in the checkout. */
    private static JsonElement onTheWire(JsonElement value, Path checkout) {
        if (value.isJsonObject() && value.getAsJsonObject().has(SIG_KEY)) {
            JsonObject special = value.getAsJsonObject();
            String sig = special.get(SIG_KEY).getAsString();
            if (sig.equals(SECRET_SIG)) {
                return onTheWire(special.get("value"), checkout);
            }
            if (sig.equals(ARCHIVE_SIG) && special.has("path")) {
                return archive(special.get("path").getAsString(), checkout);
            }
        }
        return value;
    }

    /** A value as the mocks saw it: the mocks show an archive as its Java fields (sigKey, propName, value). */
    private static JsonElement inMocks(JsonElement value, Path checkout) {
        if (value != null && value.isJsonObject() && value.getAsJsonObject().has("sigKey")
                && value.getAsJsonObject().get("sigKey").getAsString().equals(ARCHIVE_SIG)) {
            return archive(value.getAsJsonObject().get("value").getAsString(), checkout);
        }
        return value;
    }

    private static JsonElement archive(String path, Path checkout) {
        return new com.google.gson.JsonPrimitive("archive " + checkout.relativize(Path.of(path)));
    }

    /** The resources as the engine hands them to an analyzer: URN, type, name, parent, protect and the inputs. */
    private void writeEnginePreview(String stack, PreviewEngine engine) throws IOException {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (PreviewEngine.Registration r : engine.registrations()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("urn", r.urn());
            entry.put("type", r.type());
            entry.put("name", r.name());
            entry.put("parent", r.parentUrn());
            entry.put("custom", r.custom());
            entry.put("protect", r.protect());
            entry.put("props", JsonParser.parseString(r.inputsJson()));
            resources.add(entry);
        }
        Path file = layout.root().resolve("stacks/target/engine-preview/" + stack + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(Map.of("stack", stack, "unknown", PreviewEngine.UNKNOWN, "resources", resources)));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
