package dev.usersapi.store;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The DynamoDB client of a Lambda container, built once. The HTTP client is the JDK's own
 * (url-connection-client, chosen by measurement: bench/README.md), named explicitly so the SDK does not search the
 * class path for one; region and credentials come from the SDK's
 * default chains, which on Lambda read the environment and, under SnapStart, the container
 * credentials endpoint, so a restored snapshot never reuses frozen credentials.
 */
public final class DynamoDbClients {
    private DynamoDbClients() {}

    public static DynamoDbClient forLambda() {
        return forLambda(UrlConnectionHttpClient.builder());
    }

    /** The same client on another HTTP client: what the cold-start benchmark puts side by side. */
    public static DynamoDbClient forLambda(SdkHttpClient.Builder<?> http) {
        return withTimeouts(DynamoDbClient.builder(), DynamoDbTimeouts.fromEnvironment(System.getenv()))
                .httpClient(http.build())
                .build();
    }

    /** Per-attempt and per-call timeouts: a call past either fails with the SDK's ApiCall(Attempt)TimeoutException. */
    public static DynamoDbClientBuilder withTimeouts(DynamoDbClientBuilder builder, DynamoDbTimeouts timeouts) {
        return builder.overrideConfiguration(config -> config
                .apiCallAttemptTimeout(timeouts.attempt())
                .apiCallTimeout(timeouts.call()));
    }
}
