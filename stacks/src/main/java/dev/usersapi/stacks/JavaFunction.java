package dev.usersapi.stacks;

import com.pulumi.asset.FileArchive;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.iam.RolePolicyAttachmentArgs;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.AliasArgs;
import com.pulumi.aws.lambda.Function;
import com.pulumi.aws.lambda.FunctionArgs;
import com.pulumi.aws.lambda.inputs.FunctionEnvironmentArgs;
import com.pulumi.aws.lambda.inputs.FunctionLoggingConfigArgs;
import com.pulumi.aws.lambda.inputs.FunctionSnapStartArgs;
import com.pulumi.aws.lambda.inputs.FunctionTracingConfigArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Java Lambda function as this project runs them: {@link #RUNTIME} on the configured architecture,
 * SnapStart on published versions behind a {@code live} alias, C1-only JIT for a short cold
 * start, JSON logs (the handlers write one JSON object per line, with a {@code level} Lambda's
 * application log level filters on) in a log group with the environment's retention, X-Ray
 * tracing, reserved concurrency, and a role of its own that may do exactly what the function
 * does, and nothing else.
 */
public final class JavaFunction extends ComponentResource {
    static final String ALIAS = "live";
    /**
     * The managed runtime. Not java25, though Lambda offers it: the pinned provider (com.pulumi:aws 6.83.0)
     * checks {@code runtime} against the list of runtimes of the AWS SDK for Go it was built with
     * (terraform-provider-aws, internal/service/lambda/function.go: {@code enum.Validate[awstypes.Runtime]()}),
     * which predates JDK 25, as its own {@code Runtime} enum does (it ends at Java21), so a preview would
     * refuse "java25" before any call to AWS; and JDK 25 started no faster than 17 in the cold-start
     * benchmark here (bench/README.md).
     */
    static final String RUNTIME = "java21";
    /** The tiered-compilation setting AWS recommends for short-lived Java functions. */
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    /**
     * What Lambda's active tracing sends segments with: the managed policy Lambda itself attaches when
     * tracing is turned on in its console ("Visualize Lambda function invocations using AWS X-Ray").
     * X-Ray's write actions take no resource, so they can only be granted on "*": a managed policy
     * keeps that out of the function's own, exact inline policy.
     */
    static final String TRACING_POLICY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";

    private final Function function;
    private final Alias alias;
    private final Role role;

    public JavaFunction(String name, String handler, Path jar, StackSettings.Function size, StackSettings.Functions common,
                        Map<String, Output<String>> environment, List<Output<IamPolicies.Statement>> permissions,
                        Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:compute:JavaFunction", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();

        LogGroup logs = new LogGroup(name + "-logs", LogGroupArgs.builder()
                .retentionInDays(common.logRetentionDays())
                .tags(tags)
                .build(), children);
        this.role = new Role(name + "-role", RoleArgs.builder()
                .assumeRolePolicy(IamPolicies.lambdaTrust())
                .permissionsBoundary(IamPolicies.permissionsBoundary(logs.arn(), tags))
                .tags(tags)
                .build(), children);
        List<Output<IamPolicies.Statement>> statements = new ArrayList<>(permissions);
        statements.add(IamPolicies.statement(List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                logs.arn().applyValue(arn -> List.of(arn + ":*"))));
        RolePolicy policy = new RolePolicy(name + "-policy", RolePolicyArgs.builder()
                .role(role.id())
                .policy(IamPolicies.allow(statements))
                .build(), children);
        RolePolicyAttachment tracing = new RolePolicyAttachment(name + "-tracing", RolePolicyAttachmentArgs.builder()
                .role(role.name())
                .policyArn(TRACING_POLICY)
                .build(), children);

        Map<String, Output<String>> variables = new HashMap<>(environment);
        variables.put("JAVA_TOOL_OPTIONS", Output.of(JAVA_TOOL_OPTIONS));
        var args = FunctionArgs.builder()
                .runtime(RUNTIME)
                .handler(handler)
                .code(new FileArchive(jar.toString()))
                .role(role.arn())
                .architectures(common.architecture())
                .memorySize(size.memoryMb())
                .timeout(size.timeoutSeconds())
                .publish(true)
                .environment(FunctionEnvironmentArgs.builder().variables(OutputMaps.resolve(variables)).build())
                .reservedConcurrentExecutions(size.reservedConcurrency())
                .tracingConfig(FunctionTracingConfigArgs.builder().mode("Active").build())
                // System logs at INFO keep Lambda's REPORT line (duration, init duration, memory) for every invocation.
                .loggingConfig(FunctionLoggingConfigArgs.builder()
                        .logFormat("JSON")
                        .applicationLogLevel(common.applicationLogLevel())
                        .systemLogLevel("INFO")
                        .logGroup(logs.name())
                        .build())
                .tags(tags);
        if (common.snapStart()) {
            args.snapStart(FunctionSnapStartArgs.builder().applyOn("PublishedVersions").build());
        }
        // The role's policy must exist before the function runs, or its first invocations fail.
        this.function = new Function(name, args.build(),
                CustomResourceOptions.builder().parent(this).dependsOn(policy, tracing, logs).build());
        this.alias = new Alias(name + "-" + ALIAS, AliasArgs.builder()
                .functionName(function.name())
                .functionVersion(function.version())
                .name(ALIAS)
                .build(), children);
        registerOutputs(Map.of("functionName", function.name(), "aliasArn", alias.arn()));
    }

    public Output<String> functionName() {
        return function.name();
    }

    /** The alias callers invoke: the published, SnapStart-restored version. */
    public Output<String> aliasArn() {
        return alias.arn();
    }

    public Output<String> aliasName() {
        return alias.name();
    }
}
