package dev.usersapi.store;

import dev.usersapi.trace.DynamoDbSubsegments;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The DynamoDB client of a Lambda container, built once. The HTTP client is the JDK's own
 * (url-connection-client, chosen by measurement: bench/README.md), named explicitly so the SDK does not search the
 * class path for one; the region comes from the SDK's default chain (on Lambda, {@code AWS_REGION}),
 * the credentials from where Lambda puts them ({@link #lambdaCredentials()}).
 */
public final class DynamoDbClients {
    private DynamoDbClients() {}

    /**
     * How long the JDK keeps an idle connection for the next request when the server names no time
     * (it reads this when it opens its first connection): its own default is 5 s, so a container
     * invoked less often than that would open a new TLS connection every time; 60 s is the SDK's
     * default idle time for its other clients. A connection the server closed meanwhile is found
     * before a request is written on it (the JDK probes a kept-alive connection before each POST).
     */
    static final String KEEP_ALIVE_SECONDS = "60";

    public static DynamoDbClient forLambda() {
        System.getProperties().putIfAbsent("http.keepAlive.time.server", KEEP_ALIVE_SECONDS);
        return forLambda(UrlConnectionHttpClient.builder());
    }

    /** The same client on another HTTP client: what the cold-start benchmark puts side by side. */
    public static DynamoDbClient forLambda(SdkHttpClient.Builder<?> http) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder();
        // Subsegments only where Lambda runs an X-Ray daemon beside the function (active tracing).
        Optional<ExecutionInterceptor> tracing = DynamoDbSubsegments.fromEnvironment(System.getenv());
        return builder.overrideConfiguration(config -> {
                    timeouts(config, DynamoDbTimeouts.fromEnvironment(System.getenv()));
                    tracing.ifPresent(config::addExecutionInterceptor);
                })
                .httpClient(http.build())
                .credentialsProvider(lambdaCredentials())
                .build();
    }

    /** Per-attempt and per-call timeouts: a call past either fails with the SDK's ApiCall(Attempt)TimeoutException. */
    public static DynamoDbClientBuilder withTimeouts(DynamoDbClientBuilder builder, DynamoDbTimeouts timeouts) {
        return builder.overrideConfiguration(config -> timeouts(config, timeouts));
    }

    private static void timeouts(ClientOverrideConfiguration.Builder config, DynamoDbTimeouts timeouts) {
        config.apiCallAttemptTimeout(timeouts.attempt()).apiCallTimeout(timeouts.call());
    }

    /**
     * The two places Lambda puts a function's credentials, in the order the SDK's default chain
     * tries them: the environment, and the container credentials endpoint, which SnapStart uses so a
     * restored snapshot never reuses frozen keys. The default chain's other links (system
     * properties, web identity, profile files, the EC2 instance profile) find nothing on Lambda, and
     * building and trying them cost about 25 ms of CPU in every cold start (bench/README.md).
     */
    public static AwsCredentialsProvider lambdaCredentials() {
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.builder().build());
    }
}
