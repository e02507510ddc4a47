package dev.usersapi.store;

import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
        return DynamoDbClient.builder()
                .httpClient(Apache5HttpClient.create())
                .build();
    }
}
