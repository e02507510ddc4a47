package dev.usersapi.local;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The project's own DynamoDB engine in this process: the service's clients reach it through the
 * SDK's real marshalling with no socket; with a port it also listens on loopback, for the AWS CLI,
 * NoSQL Workbench or an SDK elsewhere. With a data directory, tables and stream records persist.
 */
final class LocalDynamoDb implements AutoCloseable {
    private static final URI IN_PROCESS = URI.create("http://dynamodb.in-process");

    private final DynamoDbEngine engine;
    private final Optional<EngineHttpServer> listener;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private LocalDynamoDb(DynamoDbEngine engine, Optional<EngineHttpServer> listener) {
        this.engine = engine;
        this.listener = listener;
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        this.client = DynamoDbClient.builder().httpClient(new InProcessHttpClient(engine)).endpointOverride(IN_PROCESS)
                .region(Region.US_EAST_1).credentialsProvider(credentials).build();
        this.streams = DynamoDbStreamsClient.builder().httpClient(new InProcessHttpClient(engine)).endpointOverride(IN_PROCESS)
                .region(Region.US_EAST_1).credentialsProvider(credentials).build();
    }

    /** {@code dataDirectory} empty: in memory. */
    static LocalDynamoDb start(Optional<Path> dataDirectory, OptionalInt port) {
        DynamoDbEngine engine = dataDirectory.map(directory -> DynamoDbEngine.open(directory, Clock.systemUTC()))
                .orElseGet(() -> new DynamoDbEngine(Clock.systemUTC()));
        try {
            Optional<EngineHttpServer> listener = port.isPresent() ? Optional.of(EngineHttpServer.onLoopback(engine, port.getAsInt())) : Optional.empty();
            return new LocalDynamoDb(engine, listener);
        } catch (InterruptedException e) {
            engine.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the DynamoDB port", e);
        } catch (RuntimeException e) {
            engine.close();
            throw new IllegalStateException("the DynamoDB endpoint did not open on port " + port.getAsInt() + ": " + e.getMessage(), e);
        }
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    Optional<URI> endpoint() {
        return listener.map(EngineHttpServer::endpoint);
    }

    @Override
    public void close() {
        listener.ifPresent(EngineHttpServer::close);
        client.close();
        streams.close();
        engine.close();
    }
}
