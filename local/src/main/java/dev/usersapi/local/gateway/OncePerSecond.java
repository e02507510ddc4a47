package dev.usersapi.local.gateway;

import java.util.function.LongFunction;

/**
 * A text of one-second resolution (the Date header, the event's requestContext.time), formatted
 * once a second rather than once a request: the formatters cost more than the rest of a header.
 */
final class OncePerSecond {
    private record Formatted(long epochSecond, String text) {}

    private final LongFunction<String> format;
    private volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    /** {@code format} turns seconds since the epoch into the text. */
    OncePerSecond(LongFunction<String> format) {
        this.format = format;
    }

    String at(long epochSecond) {
        Formatted seen = last;
        if (seen.epochSecond() != epochSecond) {
            seen = new Formatted(epochSecond, format.apply(epochSecond));
            last = seen;
        }
        return seen.text();
    }
}
