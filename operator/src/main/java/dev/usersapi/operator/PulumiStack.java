package dev.usersapi.operator;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.ResourceArgs;
import java.util.Map;

/**
 * A {@code pulumi.com/v1} Stack of the Pulumi Kubernetes Operator. The Kubernetes provider for
 * Java has no generic custom resource class, so this names the type token itself and passes the
 * manifest's metadata and spec through unchanged.
 */
public final class PulumiStack extends CustomResource {
    public static final String TYPE = "kubernetes:pulumi.com/v1:Stack";

    public PulumiStack(String name, Args args, CustomResourceOptions options) {
        super(TYPE, name, args, options);
    }

    public static final class Args extends ResourceArgs {
        @Import(name = "apiVersion", required = true)
        private final Output<String> apiVersion;
        @Import(name = "kind", required = true)
        private final Output<String> kind;
        @Import(name = "metadata", required = true)
        private final Output<Map<String, Object>> metadata;
        @Import(name = "spec", required = true)
        private final Output<Map<String, Object>> spec;

        /** From one rendered manifest of kind Stack. */
        @SuppressWarnings("unchecked")
        public Args(Map<String, Object> manifest) {
            this.apiVersion = Output.of(String.valueOf(manifest.get("apiVersion")));
            this.kind = Output.of(String.valueOf(manifest.get("kind")));
            this.metadata = Output.of((Map<String, Object>) manifest.get("metadata"));
            this.spec = Output.of((Map<String, Object>) manifest.get("spec"));
        }
    }
}
