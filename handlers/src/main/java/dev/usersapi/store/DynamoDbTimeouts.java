package dev.usersapi.store;

import java.time.Duration;
import java.util.Map;

/**
 * How long one DynamoDB attempt and one call (its retries included) may take. Both are well
 * inside the function's timeout, so a slow table ends as a 503 problem and a fault log line from
 * the handler, not as Lambda's timeout and API Gateway's bare 500 with nothing logged. The Pulumi
 * program sets them from the function's timeout ({@code USERS_DYNAMODB_CALL_TIMEOUT_MS},
 * {@code USERS_DYNAMODB_ATTEMPT_TIMEOUT_MS}); the defaults fit the default 10-second timeout.
 */
public record DynamoDbTimeouts(Duration attempt, Duration call) {
    public static final DynamoDbTimeouts DEFAULT = new DynamoDbTimeouts(Duration.ofMillis(1500), Duration.ofMillis(4000));

    public DynamoDbTimeouts {
        if (attempt.compareTo(call) > 0) {
            throw new IllegalArgumentException("a DynamoDB attempt timeout of " + attempt + " exceeds the call timeout " + call);
        }
    }

    public static DynamoDbTimeouts fromEnvironment(Map<String, String> environment) {
        return new DynamoDbTimeouts(
                millis(environment, "USERS_DYNAMODB_ATTEMPT_TIMEOUT_MS", DEFAULT.attempt()),
                millis(environment, "USERS_DYNAMODB_CALL_TIMEOUT_MS", DEFAULT.call()));
    }

    private static Duration millis(Map<String, String> environment, String name, Duration fallback) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? fallback : Duration.ofMillis(Long.parseLong(value.trim()));
    }
}
