package dev.usersapi.stacks.cli;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import pulumirpc.AliasOuterClass;
import pulumirpc.EngineGrpc;
import pulumirpc.EngineOuterClass;
import pulumirpc.Resource.RegisterResourceOutputsRequest;
import pulumirpc.Resource.RegisterResourceRequest;
import pulumirpc.Resource.RegisterResourceResponse;
import pulumirpc.Resource.SupportsFeatureRequest;
import pulumirpc.Resource.SupportsFeatureResponse;
import pulumirpc.ResourceMonitorGrpc;

/**
 * The part of the Pulumi CLI a program talks to during {@code pulumi preview}: the engine's
 * {@code ResourceMonitor} and {@code Engine} gRPC services, on a loopback port. It answers as
 * the CLI does in a preview of a new stack: every resource is a create, so a custom resource
 * gets its URN, an unknown ID (empty) and its own inputs back as its state, and every output a
 * provider would compute stays unknown. Invokes and reads would reach a real provider, so they
 * fail here, as the program must not need them to preview. Like the engine, it hashes every
 * archive the program names ({@link ArchiveHashes}): the hash is part of the inputs a preview
 * compares with the stack's state, so a changed hash is a {@code ~ code} in the preview.
 */
public final class PreviewEngine implements AutoCloseable {
    /** The value Pulumi's wire format uses for a value not known until the update runs. */
    public static final String UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /**
     * One RegisterResource call as the engine received it; {@code inputsJson} is the request's object;
     * {@code oldUrn} the resource of the stack's last release it is (its URN or an alias), empty if none.
     */
    public record Registration(String urn, String type, String name, String parentUrn, boolean custom, boolean protect,
                               String inputsJson, Instant at, String oldUrn) {}

    private final String project;
    private final String stack;
    private final List<Registration> registrations = new ArrayList<>();
    private final List<String> outputsRegistered = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final Server server;
    /** The URNs of the stack's resources as the last release left them (the engine's olds). */
    private final Set<String> olds;
    /** A resource found among the olds by an alias, and the old URN it took over (the step generator's aliases). */
    private final Map<String, String> aliased = new HashMap<>();

    /** An engine previewing a new stack. */
    public PreviewEngine(String project, String stack) {
        this(project, stack, Set.of());
    }

    /** An engine previewing an update of a stack whose resources have these URNs. */
    public PreviewEngine(String project, String stack, Set<String> olds) {
        this.project = project;
        this.stack = stack;
        this.olds = Set.copyOf(olds);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Monitor())
                .addService(new EngineService())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code PULUMI_MONITOR} and {@code PULUMI_ENGINE} are set to. */
    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    public synchronized List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    public synchronized Optional<Instant> firstRegistration() {
        return registrations.stream().map(Registration::at).min(Instant::compareTo);
    }

    /** URNs whose outputs were registered (the stack's exports, components' outputs). */
    public synchronized List<String> outputsRegistered() {
        return List.copyOf(outputsRegistered);
    }

    /** Every engine.Log message, {@code SEVERITY: text}. */
    public synchronized List<String> logs() {
        return List.copyOf(logs);
    }

    /** Calls a preview could not answer without a provider (invokes, reads, calls). */
    public synchronized List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The URN as the engine forms it: a child's type is qualified by its parent's, {@code parent$child}. */
    String urnOf(String type, String name, String parentUrn) {
        String qualified = type;
        if (!parentUrn.isEmpty() && !typeOf(parentUrn).equals("pulumi:pulumi:Stack")) {
            qualified = qualifiedTypeOf(parentUrn) + "$" + type;
        }
        return "urn:pulumi:" + stack + "::" + project + "::" + qualified + "::" + name;
    }

    /**
     * The old resource a registration is, as the engine looks it up (pulumi/pulumi,
     * pkg/resource/deploy/step_generator.go, {@code getOldResource}): its URN first, then the
     * aliases {@code generateAliases} derives from the request's aliases and from its parent's.
     */
    private String oldResource(String urn, RegisterResourceRequest request) {
        List<String> candidates = new ArrayList<>();
        candidates.add(urn);
        candidates.addAll(aliases(request.getName(), request.getType(), request.getParent(), request.getAliasesList()));
        candidates.addAll(request.getAliasURNsList());
        String old = candidates.stream().filter(olds::contains).findFirst().orElse("");
        if (!old.isEmpty() && !old.equals(urn)) {
            aliased.put(urn, old);
        }
        return old;
    }

    /** {@code generateAliases}: each alias collapsed to a URN, and each multiplied by the alias the parent was found by. */
    private List<String> aliases(String name, String type, String parent, List<AliasOuterClass.Alias> specs) {
        Set<String> result = new LinkedHashSet<>();
        for (AliasOuterClass.Alias alias : specs) {
            result.add(collapse(name, type, parent, alias));
        }
        if (!parent.isEmpty() && aliased.containsKey(parent)) {
            String parentAlias = aliased.get(parent);
            result.add(inheritedChildAlias(type, name, nameOf(parent), parentAlias));
            for (AliasOuterClass.Alias alias : specs) {
                String child = collapse(name, type, parent, alias);
                result.add(inheritedChildAlias(typeOf(child), nameOf(child), nameOf(parent), parentAlias));
            }
        }
        return List.copyOf(result);
    }

    /** {@code collapseAliasToUrn}: a spec's blanks are the resource's own name, type, parent, project and stack. */
    private String collapse(String name, String type, String resourceParent, AliasOuterClass.Alias alias) {
        if (alias.hasUrn() || !alias.hasSpec()) {
            return alias.getUrn();
        }
        AliasOuterClass.Alias.Spec spec = alias.getSpec();
        String parent = spec.getParentUrn().isEmpty() ? resourceParent : aliased.getOrDefault(spec.getParentUrn(), spec.getParentUrn());
        if (spec.getNoParent() || (!parent.isEmpty() && qualifiedTypeOf(parent).equals("pulumi:pulumi:Stack"))) {
            parent = "";
        }
        return urn(spec.getStack().isEmpty() ? stack : spec.getStack(), spec.getProject().isEmpty() ? project : spec.getProject(),
                parent.isEmpty() ? "" : qualifiedTypeOf(parent), spec.getType().isEmpty() ? type : spec.getType(),
                spec.getName().isEmpty() ? name : spec.getName());
    }

    /** {@code inheritedChildAlias}: under the parent's old URN, a name derived from the parent's keeps the old prefix. */
    private String inheritedChildAlias(String childType, String childName, String parentName, String parentAlias) {
        String aliasName = childName.startsWith(parentName) ? nameOf(parentAlias) + childName.substring(parentName.length()) : childName;
        return urn(stack, project, qualifiedTypeOf(parentAlias), childType, aliasName);
    }

    /** {@code resource.NewURN}: a child of anything but the root stack has its type qualified by its parent's. */
    private static String urn(String stack, String project, String parentQualifiedType, String type, String name) {
        boolean qualified = !parentQualifiedType.isEmpty() && !parentQualifiedType.equals("pulumi:pulumi:Stack");
        return "urn:pulumi:" + stack + "::" + project + "::" + (qualified ? parentQualifiedType + "$" : "") + type + "::" + name;
    }

    private static String nameOf(String urn) {
        return urn.split("::", 4)[3];
    }

    private static String qualifiedTypeOf(String urn) {
        return urn.split("::")[2];
    }

    private static String typeOf(String urn) {
        String qualified = qualifiedTypeOf(urn);
        return qualified.substring(qualified.lastIndexOf('$') + 1);
    }

    private static String json(Struct struct) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void refuse(String call, StreamObserver<?> response) {
        refused.add(call);
        response.onError(Status.UNAVAILABLE.withDescription(call + " needs a provider, which this preview engine does not run")
                .asRuntimeException());
    }

    private final class Monitor extends ResourceMonitorGrpc.ResourceMonitorImplBase {
        @Override
        public void supportsFeature(SupportsFeatureRequest request, StreamObserver<SupportsFeatureResponse> response) {
            // The CLI (3.x) supports every feature the Java SDK asks about.
            response.onNext(SupportsFeatureResponse.newBuilder().setHasSupport(true).build());
            response.onCompleted();
        }

        @Override
        public void registerResource(RegisterResourceRequest request, StreamObserver<RegisterResourceResponse> response) {
            String urn = urnOf(request.getType(), request.getName(), request.getParent());
            Struct inputs;
            try {
                inputs = ArchiveHashes.withHashes(request.getObject());
            } catch (RuntimeException e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(urn + ": " + e.getMessage()).asRuntimeException());
                return;
            }
            synchronized (PreviewEngine.this) {
                String old = oldResource(urn, request);
                registrations.add(new Registration(urn, request.getType(), request.getName(), request.getParent(), request.getCustom(),
                        request.getProtect(), json(inputs), Instant.now(), old));
            }
            RegisterResourceResponse.Builder answer = RegisterResourceResponse.newBuilder().setUrn(urn);
            if (request.getCustom()) {
                answer.setId("").setObject(inputs);
            }
            response.onNext(answer.build());
            response.onCompleted();
        }

        @Override
        public void registerResourceOutputs(RegisterResourceOutputsRequest request, StreamObserver<Empty> response) {
            synchronized (PreviewEngine.this) {
                outputsRegistered.add(request.getUrn());
            }
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void invoke(pulumirpc.Resource.ResourceInvokeRequest request,
                           StreamObserver<pulumirpc.Resource.ResourceInvokeResponse> response) {
            refuse("invoke " + request.getTok(), response);
        }

        @Override
        public void readResource(pulumirpc.Resource.ReadResourceRequest request,
                                 StreamObserver<pulumirpc.Resource.ReadResourceResponse> response) {
            refuse("read " + request.getType(), response);
        }

        @Override
        public void call(pulumirpc.Resource.ResourceCallRequest request, StreamObserver<pulumirpc.Provider.CallResponse> response) {
            refuse("call " + request.getTok(), response);
        }
    }

    private final class EngineService extends EngineGrpc.EngineImplBase {
        @Override
        public void log(EngineOuterClass.LogRequest request, StreamObserver<Empty> response) {
            synchronized (PreviewEngine.this) {
                logs.add(request.getSeverity() + ": " + request.getMessage());
            }
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
        }
    }
}
