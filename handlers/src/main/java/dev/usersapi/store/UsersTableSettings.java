package dev.usersapi.store;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What the handlers need to know about the table, read from the function's environment:
 * {@code USERS_TABLE}, {@code USERS_EMAIL_INDEX} and {@code USERS_RETENTION} (an ISO-8601
 * duration such as {@code P5D}; absent or {@code off}: users never expire).
 */
public record UsersTableSettings(String tableName, String emailIndexName, Optional<Duration> retention) {

    public static UsersTableSettings fromEnvironment(Map<String, String> environment) {
        String table = required(environment, "USERS_TABLE");
        String emailIndex = required(environment, "USERS_EMAIL_INDEX");
        String retention = environment.getOrDefault("USERS_RETENTION", "off").trim();
        if (retention.isEmpty() || retention.equals("off")) {
            return new UsersTableSettings(table, emailIndex, Optional.empty());
        }
        try {
            return new UsersTableSettings(table, emailIndex, Optional.of(Duration.parse(retention)));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("USERS_RETENTION must be an ISO-8601 duration or off, got " + retention, e);
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
