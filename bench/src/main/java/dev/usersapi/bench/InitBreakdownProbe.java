package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonFactory;
import dev.usersapi.store.DynamoDbClients;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each step of the handler's init costs, in the order the handler takes them, in a fresh
 * JVM with a Lambda jar holding the HTTP client its argument names: each figure is the step's own
 * time, its classes loaded for the first time (later steps reuse what earlier ones loaded, as in
 * the real init).
 */
public final class InitBreakdownProbe {
    private InitBreakdownProbe() {}

    public static void main(String[] args) throws java.io.IOException {
        HttpClientKind kind = HttpClientKind.of(args[0]);
        long t0 = System.nanoTime();
        new JsonFactory().createGenerator(new java.io.StringWriter());
        long jackson = System.nanoTime();
        APIGatewayV2HTTPEvent.builder().withRawPath("/").build();
        long events = System.nanoTime();
        var region = new DefaultAwsRegionProviderChain().getRegion();
        long regionResolved = System.nanoTime();
        var credentialsProvider = DynamoDbClients.lambdaCredentials();
        credentialsProvider.resolveCredentials();
        long credentials = System.nanoTime();
        var http = kind.builder().build();
        long httpClient = System.nanoTime();
        var client = DynamoDbClient.builder().region(region).httpClient(http).credentialsProvider(credentialsProvider).build();
        long dynamo = System.nanoTime();
        try {
            client.getItem(get -> get.tableName("users").key(Map.of("id", AttributeValue.fromS("init-breakdown"))));
        } catch (RuntimeException ignored) {
            // the first call's cost is what is measured, not its answer
        }
        long firstCall = System.nanoTime();
        System.out.printf("jackson_ms=%.1f events_ms=%.1f region_ms=%.1f credentials_ms=%.1f http_client_ms=%.1f "
                        + "dynamodb_client_ms=%.1f first_call_ms=%.1f%n",
                (jackson - t0) / 1e6, (events - jackson) / 1e6, (regionResolved - events) / 1e6, (credentials - regionResolved) / 1e6,
                (httpClient - credentials) / 1e6, (dynamo - httpClient) / 1e6, (firstCall - dynamo) / 1e6);
        System.exit(0);
    }
}
