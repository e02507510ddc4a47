package dev.usersapi.local;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Where the local stack keeps its tables. By default the project's own DynamoDB engine in this
 * process: the service's clients reach it through the SDK's real marshalling with no socket; with
 * a port it also listens on loopback, for the AWS CLI, NoSQL Workbench or an SDK elsewhere; with a
 * data directory, tables and stream records persist, and it expires items itself, as DynamoDB does.
 * Or another DynamoDB endpoint (real DynamoDB in an AWS account), reached with the SDK's default
 * region and credentials chains, which does its own time to live.
 */
final class LocalDynamoDb implements AutoCloseable {
    private static final URI IN_PROCESS = URI.create("http://dynamodb.in-process");

    private final Optional<DynamoDbEngine> engine;
    private final Optional<EngineHttpServer> listener;
    private final Optional<URI> otherEndpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private LocalDynamoDb(Optional<DynamoDbEngine> engine, Optional<EngineHttpServer> listener, Optional<URI> otherEndpoint,
                          DynamoDbClient client, DynamoDbStreamsClient streams) {
        this.engine = engine;
        this.listener = listener;
        this.otherEndpoint = otherEndpoint;
        this.client = client;
        this.streams = streams;
    }

    /**
     * The embedded engine; {@code dataDirectory} empty: in memory. Its time to live runs on
     * {@code clock} every {@code expiryInterval}, so tests reach expiry without waiting.
     */
    static LocalDynamoDb embedded(Optional<Path> dataDirectory, OptionalInt port, Clock clock, Duration expiryInterval) {
        DynamoDbEngine engine = dataDirectory.map(directory -> DynamoDbEngine.open(directory, clock))
                .orElseGet(() -> new DynamoDbEngine(clock));
        try {
            Optional<EngineHttpServer> listener = port.isPresent() ? Optional.of(EngineHttpServer.onLoopback(engine, port.getAsInt())) : Optional.empty();
            engine.expireEvery(expiryInterval);
            return new LocalDynamoDb(Optional.of(engine), listener, Optional.empty(),
                    inProcess(DynamoDbClient.builder(), engine), inProcess(DynamoDbStreamsClient.builder(), engine));
        } catch (InterruptedException e) {
            engine.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the DynamoDB port", e);
        } catch (RuntimeException e) {
            engine.close();
            throw new IllegalStateException("the DynamoDB endpoint did not open on port " + port.orElse(0) + ": " + e.getMessage(), e);
        }
    }

    /** Another DynamoDB endpoint: region and credentials from the SDK's default chains, as the AWS CLI finds them. */
    static LocalDynamoDb other(URI endpoint) {
        return new LocalDynamoDb(Optional.empty(), Optional.empty(), Optional.of(endpoint),
                at(DynamoDbClient.builder(), endpoint), at(DynamoDbStreamsClient.builder(), endpoint));
    }

    /**
     * A DynamoDB or DynamoDB Streams client of the engine in this process: no socket, and no key,
     * so the SDK skips signing, which the engine would not check (a third of the SDK's work per call).
     */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C inProcess(B builder, DynamoDbEngine engine) {
        return builder.httpClient(new InProcessHttpClient(engine)).endpointOverride(IN_PROCESS).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
    }

    /** A DynamoDB or DynamoDB Streams client of another endpoint, region and credentials from the default chains. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C at(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint).httpClient(Apache5HttpClient.create()).build();
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    /** The embedded engine's loopback listener, when one was asked for. */
    Optional<URI> endpoint() {
        return listener.map(EngineHttpServer::endpoint);
    }

    /** The endpoint the stack runs against instead of the embedded engine. */
    Optional<URI> otherEndpoint() {
        return otherEndpoint;
    }

    /** Expires what is due now, where the embedded engine holds the tables; another endpoint expires on its own schedule. */
    OptionalInt expireNow() {
        return engine.map(running -> OptionalInt.of(running.expireNow())).orElse(OptionalInt.empty());
    }

    @Override
    public void close() {
        listener.ifPresent(EngineHttpServer::close);
        client.close();
        streams.close();
        engine.ifPresent(DynamoDbEngine::close);
    }
}
