package dev.usersapi.stacks.cli;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs a Maven program as Pulumi's Java language host ({@code pulumi-language-java}) does: the
 * same commands in the program's directory ({@code main} of {@code Pulumi.yaml}), and for a run
 * the environment the host builds from the engine's RunRequest. The commands and variables are
 * those of pulumi-java's {@code executor_maven.go} and {@code constructEnv}.
 */
public final class JavaLanguageHost {
    /** {@code pulumi preview} / {@code pulumi up}: the program itself. */
    public static final List<String> RUN_ARGS = List.of("--no-transfer-progress", "compile", "exec:java");
    /** Plugin discovery (GetRequiredPlugins): normal output moved to stderr, the JSON on stdout. */
    public static final List<String> PLUGIN_ARGS = List.of("-Dorg.slf4j.simpleLogger.logFile=System.err",
            "--no-transfer-progress", "compile", "exec:java", "-DmainClass=com.pulumi.bootstrap.internal.Main", "-DmainArgs=packages");

    /** A finished command: its exit code, its two streams, when it started and how long it ran. */
    public record Result(int exitCode, String stdout, String stderr, Instant started, Duration took) {
        public String describe() {
            return "exit " + exitCode + " after " + took.toSeconds() + " s\n--- stdout\n" + tail(stdout) + "\n--- stderr\n" + tail(stderr);
        }

        private static String tail(String text) {
            return text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
        }
    }

    private final Path checkout;
    /** {@code Pulumi.yaml}, read once. */
    private final Map<String, Object> project;
    private final Path programDirectory;
    private final String mavenOpts;

    /** {@code checkout} holds {@code Pulumi.yaml}; {@code mavenOpts} is the environment's Maven setting. */
    public JavaLanguageHost(Path checkout, String mavenOpts) {
        this.checkout = checkout;
        this.mavenOpts = mavenOpts;
        this.project = yaml(checkout.resolve("Pulumi.yaml"));
        if (!"java".equals(project.get("runtime"))) {
            throw new IllegalStateException("Pulumi.yaml names runtime " + project.get("runtime") + ", not java");
        }
        this.programDirectory = checkout.resolve(String.valueOf(project.getOrDefault("main", ".")));
    }

    public Path checkout() {
        return checkout;
    }

    public String projectName() {
        return String.valueOf(project.get("name"));
    }

    public Path programDirectory() {
        return programDirectory;
    }

    /** Runs the program for {@code stack} against an engine at {@code engineAddress}, as a preview. */
    public Result preview(String stack, String engineAddress) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PULUMI_MONITOR", engineAddress);
        env.put("PULUMI_ENGINE", engineAddress);
        env.put("PULUMI_PROJECT", projectName());
        env.put("PULUMI_STACK", stack);
        env.put("PULUMI_PWD", programDirectory.toString());
        env.put("PULUMI_DRY_RUN", "true");
        env.put("PULUMI_QUERY_MODE", "false");
        env.put("PULUMI_PARALLEL", "16");
        env.put("PULUMI_CONFIG", configOf(stack));
        env.put("PULUMI_CONFIG_SECRET_KEYS", "[]");
        return maven(RUN_ARGS, env);
    }

    /** The plugin discovery command; its stdout is the JSON the host parses. */
    public Result discoverPlugins() {
        return maven(PLUGIN_ARGS, Map.of());
    }

    /**
     * The stack's config as the engine puts it in a RunRequest: a map of {@code namespace:key} to
     * strings, structured values as JSON text (from {@code <stackConfigDir>/Pulumi.<stack>.yaml}).
     */
    String configOf(String stack) {
        Path stackFile = checkout.resolve(String.valueOf(project.getOrDefault("stackConfigDir", "."))).resolve("Pulumi." + stack + ".yaml");
        Object config = yaml(stackFile).get("config");
        Map<String, String> flat = new LinkedHashMap<>();
        if (config instanceof Map<?, ?> map) {
            Gson gson = new Gson();
            map.forEach((key, value) -> flat.put(String.valueOf(key),
                    value instanceof Map || value instanceof List ? gson.toJson(value) : String.valueOf(value)));
        }
        return new Gson().toJson(flat);
    }

    private Result maven(List<String> args, Map<String, String> extraEnv) {
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(programDirectory.resolve("mvnw")) ? "./mvnw" : "mvn");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(programDirectory.toFile());
        builder.environment().put("MAVEN_OPTS", mavenOpts);
        builder.environment().putAll(extraEnv);
        Instant started = Instant.now();
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " ran for 15 minutes");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join(), started, Duration.between(started, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
