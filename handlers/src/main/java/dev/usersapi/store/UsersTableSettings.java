package dev.usersapi.store;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What the handlers need to know about their tables, read from the function's environment:
 * {@code USERS_TABLE}, {@code USERS_EMAIL_INDEX}, {@code USERS_RETENTION} (an ISO-8601 duration
 * such as {@code P5D}; absent or {@code off}: users never expire), {@code USERS_IDEMPOTENCY_TABLE}
 * and {@code USERS_IDEMPOTENCY_RETENTION} (how long an Idempotency-Key is remembered).
 */
public record UsersTableSettings(String tableName, String emailIndexName, Optional<Duration> retention,
                                 String idempotencyTableName, Duration idempotencyRetention) {

    public static UsersTableSettings fromEnvironment(Map<String, String> environment) {
        String retention = environment.getOrDefault("USERS_RETENTION", "off").trim();
        return new UsersTableSettings(
                required(environment, "USERS_TABLE"),
                required(environment, "USERS_EMAIL_INDEX"),
                retention.isEmpty() || retention.equals("off") ? Optional.empty() : Optional.of(duration("USERS_RETENTION", retention)),
                required(environment, "USERS_IDEMPOTENCY_TABLE"),
                duration("USERS_IDEMPOTENCY_RETENTION", required(environment, "USERS_IDEMPOTENCY_RETENTION")));
    }

    private static Duration duration(String name, String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(name + " must be an ISO-8601 duration, got " + value, e);
        }
    }

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
