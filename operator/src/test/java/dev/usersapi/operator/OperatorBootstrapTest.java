package dev.usersapi.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.kubernetes.core.v1.Namespace;
import com.pulumi.kubernetes.core.v1.PersistentVolumeClaim;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.helm.v3.Release;
import com.pulumi.kubernetes.rbac.v1.ClusterRoleBinding;
import com.pulumi.resources.Resource;
import com.pulumi.test.Mocks;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bootstrap program, run under Pulumi's mocks on the manifests kubectl renders from operator/overlays. */
class OperatorBootstrapTest {
    private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");
    private static final List<Mocks.ResourceArgs> DECLARED = new ArrayList<>();
    private static Map<String, List<Map<String, Object>>> manifests;
    private static TestResult result;

    @BeforeAll
    static void run() {
        Assumptions.assumeTrue(kubectlPresent(), "kubectl (Debian package kubernetes-client) is not installed: bootstrap tests skipped");
        Path operatorDir = Path.of("").toAbsolutePath();
        manifests = new LinkedHashMap<>();
        ENVIRONMENTS.forEach(environment -> manifests.put(environment, StackManifests.render(operatorDir, environment)));
        Mocks mocks = args -> {
            synchronized (DECLARED) {
                DECLARED.add(args);
            }
            Map<String, Object> state = new HashMap<>(args.inputs);
            return CompletableFuture.completedFuture(Mocks.ResourceResult.of(Optional.of(args.name + "-id"), state));
        };
        result = PulumiTest.withMocks(mocks)
                .withOptions(TestOptions.builder().projectName("users-api-operator").stackName("cluster").build())
                .runTest(ctx -> OperatorBootstrap.define(ctx, manifests));
    }

    @AfterAll
    static void cleanup() {
        PulumiTest.cleanup();
    }

    private static boolean kubectlPresent() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static <T extends Resource> List<T> all(Class<T> type) {
        return result.resources().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void installsTheOperatorChartPinnedTo290() {
        assertTrue(result.exceptions().isEmpty(), result.exceptions().toString());
        Release release = all(Release.class).get(0);
        assertEquals(1, all(Release.class).size());
        assertEquals("oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator", PulumiTest.extractValue(release.chart()));
        assertEquals(Optional.of("2.9.0"), PulumiTest.extractValue(release.version()));
        assertEquals(Optional.of("pulumi-kubernetes-operator"), PulumiTest.extractValue(release.namespace()));
    }

    @Test
    void createsTheNamespacesItInstallsInto() {
        List<String> names = all(Namespace.class).stream()
                .map(namespace -> PulumiTest.extractValue(namespace.metadata()).name().orElseThrow()).sorted().toList();
        assertEquals(List.of("pulumi-kubernetes-operator", "users-api"), names);
    }

    @Test
    void eachEnvironmentsWorkspaceGetsItsServiceAccountAndTheAuthDelegatorRole() {
        assertEquals(3, all(ServiceAccount.class).size());
        for (ClusterRoleBinding binding : all(ClusterRoleBinding.class)) {
            assertEquals("system:auth-delegator", PulumiTest.extractValue(binding.roleRef()).name());
        }
        assertEquals(3, all(ClusterRoleBinding.class).size());
    }

    @Test
    void eachEnvironmentsWorkspaceGetsTheCacheClaimItsStackMounts() {
        List<String> claims = all(PersistentVolumeClaim.class).stream()
                .map(claim -> PulumiTest.extractValue(claim.metadata()).name().orElseThrow()).sorted().toList();
        assertEquals(List.of("users-api-workspace-cache-dev", "users-api-workspace-cache-prod", "users-api-workspace-cache-staging"), claims);
    }

    @Test
    @SuppressWarnings("unchecked")
    void declaresEachEnvironmentsStackExactlyAsItsManifest() {
        List<Mocks.ResourceArgs> stacks = DECLARED.stream().filter(args -> args.type.equals(PulumiStack.TYPE)).toList();
        assertEquals(3, stacks.size());
        for (String environment : ENVIRONMENTS) {
            Map<String, Object> manifest = manifests.get(environment).stream()
                    .filter(document -> "Stack".equals(document.get("kind"))).findFirst().orElseThrow();
            Mocks.ResourceArgs declared = stacks.stream().filter(args -> args.name.equals("users-api-" + environment)).findFirst().orElseThrow();
            assertEquals("pulumi.com/v1", declared.inputs.get("apiVersion"));
            Map<String, Object> spec = (Map<String, Object>) declared.inputs.get("spec");
            Map<String, Object> expected = (Map<String, Object>) manifest.get("spec");
            assertEquals(expected.get("stack"), spec.get("stack"));
            assertEquals(expected.get("branch"), spec.get("branch"));
            assertEquals(expected.get("serviceAccountName"), spec.get("serviceAccountName"));
            assertEquals(expected.keySet(), spec.keySet());
        }
    }

    @Test
    void neverHandlesASecretsValue() {
        assertFalse(DECLARED.stream().anyMatch(args -> args.type.contains("Secret")), "no Secret is declared");
    }
}
