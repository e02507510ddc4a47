package dev.usersapi.local.gateway;

import java.time.Duration;

/**
 * What the local gateway tolerates from a client. API Gateway's own quotas where it has them
 * (10 MB payloads, 10 KB of request line and headers); the timeouts are the local stand-in's,
 * so that a client that stops sending mid-request cannot hold a connection for ever.
 *
 * @param requestTimeout from a request's first byte to its last: past it the answer is 408 and the connection closes
 * @param idleTimeout    how long a kept-alive connection may wait for its next request before it is closed
 */
public record GatewayLimits(Duration requestTimeout, Duration idleTimeout, int maxBodyBytes, int maxHeaderBytes) {
    public GatewayLimits {
        if (requestTimeout.isNegative() || requestTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("gateway timeouts must be positive");
        }
    }

    public static GatewayLimits defaults() {
        return new GatewayLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 10 * 1024 * 1024, 10 * 1024);
    }
}
