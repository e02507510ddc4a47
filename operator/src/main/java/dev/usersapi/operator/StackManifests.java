package dev.usersapi.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The manifests of one environment, exactly as {@code kubectl apply -k operator/overlays/<env>}
 * would send them: rendered by kubectl's own kustomize, so this program and a GitOps agent
 * apply one source, not two copies that could drift.
 */
public final class StackManifests {
    private StackManifests() {}

    /** {@code operatorDir} holds {@code base/} and {@code overlays/}. */
    public static List<Map<String, Object>> render(Path operatorDir, String environment) {
        Path overlay = operatorDir.resolve("overlays").resolve(environment);
        try {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", overlay.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kubectl.waitFor(2, TimeUnit.MINUTES) || kubectl.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + overlay + " failed");
            }
            return parse(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kubectl (Debian package kubernetes-client) to render " + overlay, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering " + overlay, e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                documents.add((Map<String, Object>) map);
            }
        }
        return documents;
    }
}
