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

    /** What a refused update and a preview of the committed manifests (placeholders by design) declared and raised. */
    private static final List<Mocks.ResourceArgs> DECLARED_BY_REFUSED_UPDATE = new ArrayList<>();
    private static List<Exception> refusedUpdate;
    private static final List<Mocks.ResourceArgs> DECLARED_BY_PREVIEW = new ArrayList<>();
    private static List<Exception> preview;

    @BeforeAll
    static void run() {
        Assumptions.assumeTrue(kubectlPresent(), "kubectl (Debian package kubernetes-client) is not installed: bootstrap tests skipped");
        Path operatorDir = Path.of("").toAbsolutePath();
        Map<String, List<Map<String, Object>>> committed = new LinkedHashMap<>();
        ENVIRONMENTS.forEach(environment -> committed.put(environment, StackManifests.render(operatorDir, environment)));

        refusedUpdate = runDefine(committed, false, DECLARED_BY_REFUSED_UPDATE).exceptions();
        PulumiTest.cleanup();
        preview = runDefine(committed, true, DECLARED_BY_PREVIEW).exceptions();
        PulumiTest.cleanup();

        manifests = filledIn(committed);
        result = runDefine(manifests, false, DECLARED);
    }

    private static TestResult runDefine(Map<String, List<Map<String, Object>>> rendered, boolean dryRun, List<Mocks.ResourceArgs> declared) {
        Mocks mocks = args -> {
            synchronized (declared) {
                declared.add(args);
            }
            Map<String, Object> state = new HashMap<>(args.inputs);
            return CompletableFuture.completedFuture(Mocks.ResourceResult.of(Optional.of(args.name + "-id"), state));
        };
        return PulumiTest.withMocks(mocks)
                .withOptions(TestOptions.builder().projectName("users-api-operator").stackName("cluster").preview(dryRun).build())
                .runTest(ctx -> OperatorBootstrap.define(ctx, rendered));
    }

    /** The manifests as a fork's, once the README's first step named its repository, organization and account. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Map<String, Object>>> filledIn(Map<String, List<Map<String, Object>>> committed) {
        Map<String, List<Map<String, Object>>> filled = new LinkedHashMap<>();
        committed.forEach((environment, documents) -> filled.put(environment, documents.stream().map(document -> {
            Map<String, Object> copy = new LinkedHashMap<>(document);
            Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) document.get("metadata"));
            copy.put("metadata", metadata);
            if ("Stack".equals(document.get("kind"))) {
                Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) document.get("spec"));
                spec.put("projectRepo", "https://github.com/acme/users-api.git");
                spec.put("stack", "acme/users-api/" + environment);
                copy.put("spec", spec);
            }
            if (metadata.get("annotations") instanceof Map<?, ?> annotations && annotations.containsKey(ManifestPlaceholders.ROLE_ANNOTATION)) {
                Map<String, Object> filledAnnotations = new LinkedHashMap<>((Map<String, Object>) annotations);
                filledAnnotations.put(ManifestPlaceholders.ROLE_ANNOTATION, "arn:aws:iam::210987654321:role/users-api-deployer-" + environment);
                metadata.put("annotations", filledAnnotations);
            }
            return copy;
        }).toList()));
        return filled;
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

    /** Review finding 10: the committed placeholders would clone github.com/your-org's repository with the deployer role. */
    @Test
    void anUpdateOfManifestsThatStillHoldPlaceholdersIsRefusedBeforeAnythingIsDeclared() {
        assertFalse(refusedUpdate.isEmpty(), "the update is refused");
        String message = refusedUpdate.get(refusedUpdate.size() - 1).getMessage();
        assertTrue(message.startsWith("the operator manifests still hold placeholders"), message);
        for (String environment : ENVIRONMENTS) {
            assertTrue(message.contains(environment + ": Stack users-api-" + environment + " spec.projectRepo: https://git.invalid/"), message);
            assertTrue(message.contains(environment + ": Stack users-api-" + environment + " spec.stack: your-org/users-api/" + environment
                    + " (placeholder 'your-org')"), message);
            assertTrue(message.contains(environment + ": ServiceAccount users-api-workspace-" + environment + " metadata.annotations."
                    + ManifestPlaceholders.ROLE_ANNOTATION + ": arn:aws:iam::111111111111:role/users-api-deployer-" + environment), message);
        }
        assertEquals(List.of(), DECLARED_BY_REFUSED_UPDATE, "nothing is declared, the operator's chart included");
    }

    @Test
    void aPreviewOfThemWarnsAndShowsWhatWouldBeDeclared() {
        assertEquals(List.of(), preview);
        assertEquals(3, DECLARED_BY_PREVIEW.stream().filter(args -> args.type.equals(PulumiStack.TYPE)).count());
    }

    @Test
    void eachPlaceholderPatternIsFoundWhereverItStands() {
        assertEquals(Optional.of("your-org"), ManifestPlaceholders.in("https://github.com/your-org/users-api.git"));
        assertEquals(Optional.of("invalid"), ManifestPlaceholders.in("https://git.invalid/acme/users-api.git"));
        assertEquals(Optional.of("111111111111"), ManifestPlaceholders.in("arn:aws:iam::111111111111:role/users-api-deployer-dev"));
        assertEquals(Optional.empty(), ManifestPlaceholders.in("arn:aws:iam::2111111111112:role/x"), "not a 12-digit id");
        assertEquals(Optional.empty(), ManifestPlaceholders.in("https://github.com/acme/users-api.git"));
        assertEquals(List.of(), ManifestPlaceholders.find(manifests), "a filled-in fork's manifests hold none");
    }
}
