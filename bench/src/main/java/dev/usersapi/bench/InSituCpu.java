package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.Context;
import dev.usersapi.local.LocalStack;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * The handler's CPU where it runs, inside the gateway: thread CPU (user and kernel) on the
 * function thread around the handler's {@code handleRequest}, and around the whole invocation
 * (the Lambda runtime's serializers and the handler), for the requests the gateway actually
 * served. The probes are wrapped around the API function when the benchmark starts the stack;
 * a stack started without them runs none of this.
 */
final class InSituCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final LongAdder handlerNanos = new LongAdder();
    private final LongAdder handlerCalls = new LongAdder();
    private final LongAdder invocationNanos = new LongAdder();
    private final LongAdder invocationCalls = new LongAdder();
    private final AtomicReference<BiFunction<byte[], Context, byte[]>> invocation = new AtomicReference<>();
    private final AtomicReference<Replay> last = new AtomicReference<>();

    private record Replay(byte[] event, Context context) {}

    /** The running totals at one moment. */
    record Totals(long handlerNanos, long handlerCalls, long invocationNanos, long invocationCalls) {
        Totals minus(Totals before) {
            return new Totals(handlerNanos - before.handlerNanos, handlerCalls - before.handlerCalls,
                    invocationNanos - before.invocationNanos, invocationCalls - before.invocationCalls);
        }

        /** The handler's CPU per call, us. */
        double handlerMicros() {
            return handlerNanos / 1e3 / Math.max(1, handlerCalls);
        }

        /** The Lambda runtime's serializers' CPU per call (the invocation less the handler in it), us. */
        double serializerMicros() {
            return (invocationNanos - handlerNanos) / 1e3 / Math.max(1, invocationCalls);
        }
    }

    LocalStack.Probes probes() {
        return new LocalStack.Probes(handler -> (event, context) -> {
            long start = THREADS.getCurrentThreadCpuTime();
            try {
                return handler.handleRequest(event, context);
            } finally {
                handlerNanos.add(THREADS.getCurrentThreadCpuTime() - start);
                handlerCalls.increment();
            }
        }, function -> {
            invocation.set(function);
            return (event, context) -> measureInvocation(function, event, context);
        });
    }

    private byte[] measureInvocation(BiFunction<byte[], Context, byte[]> function, byte[] event, Context context) {
        last.set(new Replay(event, context));
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            return function.apply(event, context);
        } finally {
            invocationNanos.add(THREADS.getCurrentThreadCpuTime() - start);
            invocationCalls.increment();
        }
    }

    /**
     * The last event the gateway has passed so far, to be invoked again from the calling thread: the Lambda
     * runtime's serializers and the (probed) handler, with no HTTP, Netty or thread hop around
     * them. The control for what the gateway's surroundings do to the handler's CPU.
     */
    Callable<Object> replayLast() {
        BiFunction<byte[], Context, byte[]> function = Optional.ofNullable(invocation.get())
                .orElseThrow(() -> new IllegalStateException("the probes were not given to a stack"));
        Replay replay = Optional.ofNullable(last.get()).orElseThrow(() -> new IllegalStateException("the gateway has invoked nothing yet"));
        return () -> function.apply(replay.event(), replay.context());
    }

    Totals totals() {
        return new Totals(handlerNanos.sum(), handlerCalls.sum(), invocationNanos.sum(), invocationCalls.sum());
    }

    /** What one reading of the thread's CPU costs, us: each probe takes two, charged partly to what it measures. */
    static double readingMicros() {
        int readings = 50_000;
        long start = THREADS.getCurrentThreadCpuTime();
        long sink = 0;
        for (int i = 0; i < readings; i++) {
            sink += THREADS.getCurrentThreadCpuTime();
        }
        long spent = THREADS.getCurrentThreadCpuTime() - start;
        return sink == 42 ? -1 : spent / 1e3 / readings;
    }
}
