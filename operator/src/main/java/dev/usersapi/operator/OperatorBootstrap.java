package dev.usersapi.operator;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.deployment.Deployment;
import com.pulumi.kubernetes.core.v1.Namespace;
import com.pulumi.kubernetes.core.v1.NamespaceArgs;
import com.pulumi.kubernetes.core.v1.PersistentVolumeClaim;
import com.pulumi.kubernetes.core.v1.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.helm.v3.Release;
import com.pulumi.kubernetes.helm.v3.ReleaseArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.rbac.v1.ClusterRoleBinding;
import com.pulumi.kubernetes.rbac.v1.ClusterRoleBindingArgs;
import com.pulumi.kubernetes.rbac.v1.inputs.RoleRefArgs;
import com.pulumi.kubernetes.rbac.v1.inputs.SubjectArgs;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bootstraps a cluster for users-api: the Pulumi Kubernetes Operator from its Helm chart, the
 * namespace, each environment's workspace service account and its RBAC, and each environment's
 * Stack, all taken from the manifests in {@code operator/overlays/}. The Secrets the Stacks refer
 * to are created by hand (see the README): their values never pass through this program.
 *
 * <p>The committed manifests name no real repository, stack or account (placeholders by design,
 * filled in by the README's first deploy step); an update is refused while any is left, before
 * anything is declared, and a preview warns, naming each.
 */
public final class OperatorBootstrap {
    public static final String OPERATOR_CHART = "oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator";
    public static final String OPERATOR_VERSION = "2.9.0";
    public static final String OPERATOR_NAMESPACE = "pulumi-kubernetes-operator";

    private OperatorBootstrap() {}

    public static void main(String[] args) {
        Pulumi.run(ctx -> {
            List<String> environments = ctx.config().get("environments").map(list -> List.of(list.split(",")))
                    .orElse(List.of("dev", "staging", "prod"));
            Path operatorDir = Path.of("").toAbsolutePath();
            Map<String, List<Map<String, Object>>> manifests = new LinkedHashMap<>();
            environments.forEach(environment -> manifests.put(environment.trim(), StackManifests.render(operatorDir, environment.trim())));
            define(ctx, manifests);
        });
    }

    /** Declares the operator and, per environment, the rendered manifests' resources. */
    @SuppressWarnings("unchecked")
    public static void define(Context ctx, Map<String, List<Map<String, Object>>> manifests) {
        List<String> placeholders = ManifestPlaceholders.find(manifests);
        if (!placeholders.isEmpty()) {
            String message = "the operator manifests still hold placeholders; fill them in before they are deployed"
                    + " (README, \"From a fork to three running environments\", step 1): " + placeholders;
            if (!Deployment.getInstance().isDryRun()) {
                throw new IllegalStateException(message);
            }
            ctx.log().warn(message);
        }
        Namespace operatorNamespace = new Namespace(OPERATOR_NAMESPACE, NamespaceArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(OPERATOR_NAMESPACE).build())
                .build());
        Release operator = new Release("pulumi-kubernetes-operator", ReleaseArgs.builder()
                .name("pulumi-kubernetes-operator")
                .chart(OPERATOR_CHART)
                .version(OPERATOR_VERSION)
                .namespace(operatorNamespace.metadata().applyValue(metadata -> metadata.name().orElseThrow()))
                .createNamespace(false)
                .build(), CustomResourceOptions.builder().dependsOn(operatorNamespace).build());

        Map<String, Namespace> namespaces = new LinkedHashMap<>();
        for (var entry : manifests.entrySet()) {
            List<Resource> workspace = new ArrayList<>();
            for (Map<String, Object> manifest : entry.getValue()) {
                Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
                String name = String.valueOf(metadata.get("name"));
                Object namespace = metadata.get("namespace");
                if (namespace != null) {
                    namespaces.computeIfAbsent(namespace.toString(), ns -> new Namespace(ns, NamespaceArgs.builder()
                            .metadata(ObjectMetaArgs.builder().name(ns).build()).build()));
                }
                switch (String.valueOf(manifest.get("kind"))) {
                    case "ServiceAccount" -> workspace.add(new ServiceAccount(name, ServiceAccountArgs.builder()
                            .metadata(meta(metadata)).build(), inNamespace(namespaces, namespace)));
                    case "ClusterRoleBinding" -> {
                        Map<String, Object> roleRef = (Map<String, Object>) manifest.get("roleRef");
                        List<Map<String, Object>> subjects = (List<Map<String, Object>>) manifest.get("subjects");
                        workspace.add(new ClusterRoleBinding(name, ClusterRoleBindingArgs.builder()
                                .metadata(meta(metadata))
                                .roleRef(RoleRefArgs.builder()
                                        .apiGroup(String.valueOf(roleRef.get("apiGroup")))
                                        .kind(String.valueOf(roleRef.get("kind")))
                                        .name(String.valueOf(roleRef.get("name")))
                                        .build())
                                .subjects(subjects.stream().map(subject -> SubjectArgs.builder()
                                        .kind(String.valueOf(subject.get("kind")))
                                        .name(String.valueOf(subject.get("name")))
                                        .namespace(String.valueOf(subject.get("namespace")))
                                        .build()).toList())
                                .build()));
                    }
                    case "PersistentVolumeClaim" -> {
                        // The workspace's caches (base/workspace-cache.yaml).
                        Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
                        Map<String, Object> resources = (Map<String, Object>) spec.get("resources");
                        workspace.add(new PersistentVolumeClaim(name, PersistentVolumeClaimArgs.builder()
                                .metadata(meta(metadata))
                                .spec(PersistentVolumeClaimSpecArgs.builder()
                                        .accessModes((List<String>) spec.get("accessModes"))
                                        .resources(ResourceRequirementsArgs.builder()
                                                .requests(Map.of("storage", String.valueOf(((Map<String, Object>) resources.get("requests")).get("storage"))))
                                                .build())
                                        .build())
                                .build(), inNamespace(namespaces, namespace)));
                    }
                    case "Stack" -> {
                        List<Resource> before = new ArrayList<>(workspace);
                        before.add(operator);
                        namespaces.values().forEach(before::add);
                        new PulumiStack(name, new PulumiStack.Args(manifest),
                                CustomResourceOptions.builder().dependsOn(before).build());
                    }
                    default -> throw new IllegalArgumentException("operator/overlays/" + entry.getKey()
                            + " renders a " + manifest.get("kind") + ", which this program does not install");
                }
            }
        }
        ctx.export("operatorNamespace", operatorNamespace.metadata().applyValue(metadata -> metadata.name().orElseThrow()));
        ctx.export("stacks", com.pulumi.core.Output.of(new ArrayList<>(manifests.keySet())));
    }

    @SuppressWarnings("unchecked")
    private static ObjectMetaArgs meta(Map<String, Object> metadata) {
        var builder = ObjectMetaArgs.builder().name(String.valueOf(metadata.get("name")));
        if (metadata.get("namespace") != null) {
            builder.namespace(String.valueOf(metadata.get("namespace")));
        }
        if (metadata.get("annotations") instanceof Map<?, ?> annotations) {
            builder.annotations((Map<String, String>) annotations);
        }
        return builder.build();
    }

    private static CustomResourceOptions inNamespace(Map<String, Namespace> namespaces, Object namespace) {
        return namespace == null ? CustomResourceOptions.Empty
                : CustomResourceOptions.builder().dependsOn(namespaces.get(namespace.toString())).build();
    }
}
