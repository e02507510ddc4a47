package dev.usersapi.store;

import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The DynamoDB client of a Lambda container, built once. The HTTP client is Apache HttpClient 5
 * (chosen by measurement: handlers/README.md), named explicitly so the SDK does not search the
 * class path for one; region and credentials come from the SDK's
 * default chains, which on Lambda read the environment and, under SnapStart, the container
 * credentials endpoint, so a restored snapshot never reuses frozen credentials.
 */
public final class DynamoDbClients {
    private DynamoDbClients() {}

    public static DynamoDbClient forLambda() {
        return withTimeouts(DynamoDbClient.builder(), DynamoDbTimeouts.fromEnvironment(System.getenv()))
                .httpClient(Apache5HttpClient.create())
                .build();
    }

    /** Per-attempt and per-call timeouts: a call past either fails with the SDK's ApiCall(Attempt)TimeoutException. */
    public static DynamoDbClientBuilder withTimeouts(DynamoDbClientBuilder builder, DynamoDbTimeouts timeouts) {
        return builder.overrideConfiguration(config -> config
                .apiCallAttemptTimeout(timeouts.attempt())
                .apiCallTimeout(timeouts.call()));
    }
}
