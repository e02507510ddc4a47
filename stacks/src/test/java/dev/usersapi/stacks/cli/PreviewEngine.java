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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * fail here, as the program must not need them to preview.
 */
public final class PreviewEngine implements AutoCloseable {
    /** The value Pulumi's wire format uses for a value not known until the update runs. */
    public static final String UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /** One RegisterResource call as the engine received it; {@code inputsJson} is the request's object. */
    public record Registration(String urn, String type, String name, String parentUrn, boolean custom, boolean protect,
                               String inputsJson, Instant at) {}

    private final String project;
    private final String stack;
    private final List<Registration> registrations = new ArrayList<>();
    private final List<String> outputsRegistered = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final Server server;

    public PreviewEngine(String project, String stack) {
        this.project = project;
        this.stack = stack;
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
            synchronized (PreviewEngine.this) {
                registrations.add(new Registration(urn, request.getType(), request.getName(), request.getParent(), request.getCustom(),
                        request.getProtect(), json(request.getObject()), Instant.now()));
            }
            RegisterResourceResponse.Builder answer = RegisterResourceResponse.newBuilder().setUrn(urn);
            if (request.getCustom()) {
                answer.setId("").setObject(request.getObject());
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
