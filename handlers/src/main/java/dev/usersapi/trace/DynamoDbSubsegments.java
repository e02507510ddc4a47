package dev.usersapi.trace;

import dev.usersapi.log.JsonLines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Each DynamoDB call of a sampled invocation as an X-Ray subsegment of the function's segment, sent
 * to the X-Ray daemon Lambda runs beside the function, as the X-Ray SDK would send it, without the
 * SDK: X-Ray's SDK instrumentation and Powertools' tracing add 3.5 to 7.5 MB to a 4.9 MB jar
 * (handlers/README.md). The document is X-Ray's "segment documents" subsegment, sent on its own
 * ({@code type}, {@code parent_id}, {@code trace_id}), in the {@code aws} namespace with the
 * operation and table, and the error (4xx), throttle (429 or a throttling error) or fault (5xx, or
 * no answer) flag; each datagram opens with the daemon's header {@code {"format": "json", "version": 1}}
 * ("Sending segment documents to the X-Ray daemon", X-Ray developer guide).
 *
 * <p>An unsampled call ({@code Sampled=0}, or no header: init, the local stack, tests) costs one
 * property read and a substring check, and allocates nothing. Tracing never fails a call: a
 * document that cannot be sent is dropped, as the daemon itself drops what it cannot forward.
 */
public final class DynamoDbSubsegments implements ExecutionInterceptor {
    /** Where Lambda tells a function its daemon listens ("Using Lambda environment variables"). */
    public static final String DAEMON_ADDRESS = "AWS_XRAY_DAEMON_ADDRESS";
    private static final byte[] DAEMON_HEADER = "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.UTF_8);
    private static final ExecutionAttribute<Started> STARTED = new ExecutionAttribute<>("users-api.xray.started");

    private record Started(TraceHeader header, long epochMillis, long nanos) {}

    private final InetSocketAddress daemon;
    private final Supplier<String> traceHeader;
    /** Opened with the client, in init (inside the snapshot under SnapStart): the first send in a fresh JVM costs about 20 ms. */
    private final Optional<DatagramChannel> channel;

    public DynamoDbSubsegments(InetSocketAddress daemon, Supplier<String> traceHeader) {
        this.daemon = daemon;
        this.traceHeader = traceHeader;
        this.channel = open();
    }

    private static Optional<DatagramChannel> open() {
        try {
            return Optional.of(DatagramChannel.open());
        } catch (IOException noSocket) {
            return Optional.empty();
        }
    }

    /** The interceptor when the environment names a daemon (Lambda with active tracing); none otherwise. */
    public static Optional<ExecutionInterceptor> fromEnvironment(Map<String, String> environment) {
        return daemonAddress(environment.get(DAEMON_ADDRESS))
                .map(address -> new DynamoDbSubsegments(address, TraceHeader::current));
    }

    /**
     * The UDP address of {@code host:port}, or of the {@code udp:host:port} of the two-address form
     * {@code tcp:host:port udp:host:port} (X-Ray SDK configuration, {@code AWS_XRAY_DAEMON_ADDRESS}).
     */
    static Optional<InetSocketAddress> daemonAddress(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String udp = null;
        for (String part : value.trim().split("\\s+")) {
            if (part.startsWith("udp:")) {
                udp = part.substring(4);
            } else if (!part.startsWith("tcp:") && udp == null) {
                udp = part;
            }
        }
        if (udp == null) {
            return Optional.empty();
        }
        int colon = udp.lastIndexOf(':');
        try {
            return colon <= 0 ? Optional.empty()
                    : Optional.of(new InetSocketAddress(udp.substring(0, colon), Integer.parseInt(udp.substring(colon + 1))));
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String header = traceHeader.get();
        if (!TraceHeader.sampled(header) || channel.isEmpty()) {
            return;
        }
        TraceHeader.parse(header).ifPresent(parsed ->
                attributes.putAttribute(STARTED, new Started(parsed, System.currentTimeMillis(), System.nanoTime())));
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Started started = attributes.getAttribute(STARTED);
        if (started != null) {
            send(started, context.request(), attributes, Optional.of(context.httpResponse()), Optional.empty());
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Started started = attributes.getAttribute(STARTED);
        if (started != null) {
            send(started, context.request(), attributes, context.httpResponse(), Optional.of(context.exception()));
        }
    }

    private void send(Started started, SdkRequest request, ExecutionAttributes attributes,
                      Optional<SdkHttpResponse> response, Optional<Throwable> failure) {
        try {
            byte[] document = document(started, request, attributes, response, failure).getBytes(StandardCharsets.UTF_8);
            ByteBuffer datagram = ByteBuffer.allocate(DAEMON_HEADER.length + document.length).put(DAEMON_HEADER).put(document).flip();
            channel.get().send(datagram, daemon);
        } catch (IOException | RuntimeException dropped) {
            // A trace is never worth a failed request; the daemon is local, so this means it is gone.
        }
    }

    private static String document(Started started, SdkRequest request, ExecutionAttributes attributes,
                                   Optional<SdkHttpResponse> response, Optional<Throwable> failure) {
        double start = started.epochMillis() / 1000.0;
        double end = (started.epochMillis() + (System.nanoTime() - started.nanos()) / 1_000_000.0) / 1000.0;
        int status = failure.filter(SdkServiceException.class::isInstance).map(e -> ((SdkServiceException) e).statusCode())
                .filter(code -> code > 0)
                .orElseGet(() -> response.map(SdkHttpResponse::statusCode).orElse(0));
        boolean throttle = status == 429
                || failure.filter(SdkServiceException.class::isInstance).map(e -> ((SdkServiceException) e).isThrottlingException()).orElse(false);
        boolean fault = status >= 500 || failure.isPresent() && status == 0;
        boolean error = !fault && (throttle || status >= 400 && status < 500);
        Optional<String> requestId = response.flatMap(r -> r.firstMatchingHeader("x-amzn-RequestId"))
                .or(() -> failure.filter(AwsServiceException.class::isInstance).map(e -> ((AwsServiceException) e).requestId()));
        return JsonLines.object(json -> {
            json.writeStringField("name", "DynamoDB");
            json.writeStringField("id", newId());
            json.writeStringField("trace_id", started.header().root());
            json.writeStringField("parent_id", started.header().parent());
            json.writeStringField("type", "subsegment");
            json.writeStringField("namespace", "aws");
            json.writeNumberField("start_time", start);
            json.writeNumberField("end_time", Math.max(start, end));
            if (error) {
                json.writeBooleanField("error", true);
            }
            if (throttle) {
                json.writeBooleanField("throttle", true);
            }
            if (fault) {
                json.writeBooleanField("fault", true);
            }
            if (status > 0) {
                json.writeObjectFieldStart("http");
                json.writeObjectFieldStart("response");
                json.writeNumberField("status", status);
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeObjectFieldStart("aws");
            json.writeStringField("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            var region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
            if (region != null) {
                json.writeStringField("region", region.id());
            }
            var table = request.getValueForField("TableName", String.class);
            if (table.isPresent()) {
                json.writeStringField("table_name", table.get());
            }
            if (requestId.isPresent() && requestId.get() != null) {
                json.writeStringField("request_id", requestId.get());
            }
            json.writeEndObject();
            if (failure.isPresent()) {
                // The error's type only: messages can echo request values, which traces must not carry.
                json.writeObjectFieldStart("cause");
                json.writeArrayFieldStart("exceptions");
                json.writeStartObject();
                json.writeStringField("id", newId());
                json.writeStringField("type", failure.get() instanceof AwsServiceException service && service.awsErrorDetails() != null
                        && service.awsErrorDetails().errorCode() != null
                        ? service.awsErrorDetails().errorCode() : failure.get().getClass().getSimpleName());
                json.writeEndObject();
                json.writeEndArray();
                json.writeEndObject();
            }
        });
    }

    /** A 64-bit id in 16 hex digits, as X-Ray requires of segment and subsegment ids. */
    private static String newId() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0".repeat(16 - hex.length()) + hex;
    }
}
