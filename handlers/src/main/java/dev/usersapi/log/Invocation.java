package dev.usersapi.log;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The invocation a log line belongs to: the function, Lambda's request id, API Gateway's request
 * id (HTTP API invocations only; the access log carries both ids too), the route, and whether
 * this invocation is the container's first (a cold start, or the first after a SnapStart restore:
 * SnapStart's priming runs outside any invocation). Every line {@link JsonLines} writes while an
 * invocation runs carries these fields.
 */
public record Invocation(String functionName, String lambdaRequestId, Optional<String> apiRequestId, String route, boolean coldStart) {
    private static final AtomicBoolean FIRST = new AtomicBoolean(true);
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    public static Invocation ofHttpApi(Context context, APIGatewayV2HTTPEvent event) {
        var requestContext = event == null ? null : event.getRequestContext();
        Optional<String> apiRequestId = Optional.ofNullable(requestContext).map(APIGatewayV2HTTPEvent.RequestContext::getRequestId);
        String route = event == null || event.getRouteKey() == null ? "" : event.getRouteKey();
        return new Invocation(functionName(context), lambdaRequestId(context), apiRequestId, route, FIRST.getAndSet(false));
    }

    public static Invocation ofStream(Context context) {
        return new Invocation(functionName(context), lambdaRequestId(context), Optional.empty(), "stream", FIRST.getAndSet(false));
    }

    /** The invocation running on this thread: Lambda runs one at a time per container, the local stack one per thread. */
    public static Optional<Invocation> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public <T> T run(Supplier<T> work) {
        Invocation outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    static String functionName(Context context) {
        if (context != null && context.getFunctionName() != null) {
            return context.getFunctionName();
        }
        return Optional.ofNullable(System.getenv("AWS_LAMBDA_FUNCTION_NAME")).orElse("");
    }

    private static String lambdaRequestId(Context context) {
        return context == null || context.getAwsRequestId() == null ? "" : context.getAwsRequestId();
    }
}
