package dev.usersapi.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local in this process, telemetry off. Without a port it is embedded: its clients
 * call it directly and nothing listens. With a port it runs its own HTTP server (on every
 * interface: DynamoDB Local cannot choose the address), and this process uses that endpoint too,
 * so outside tools and the service see the same data. Both modes keep data in the same file.
 */
final class LocalDynamoDb implements AutoCloseable {
    /** The file DynamoDB Local's server names its database when started with -sharedDb. */
    private static final String SHARED_DB_FILE = "shared-local-instance.db";

    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;
    private final Optional<URI> endpoint;
    private final Runnable stop;

    private LocalDynamoDb(DynamoDbClient client, DynamoDbStreamsClient streams, Optional<URI> endpoint, Runnable stop) {
        this.client = client;
        this.streams = streams;
        this.endpoint = endpoint;
        this.stop = stop;
    }

    /** {@code dataDirectory} empty: in memory. */
    static LocalDynamoDb start(Optional<Path> dataDirectory, java.util.OptionalInt port) {
        dataDirectory.ifPresent(LocalDynamoDb::createDirectory);
        if (port.isEmpty()) {
            File file = dataDirectory.map(dir -> dir.resolve(SHARED_DB_FILE).toFile()).orElse(null);
            AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(file, true);
            return new LocalDynamoDb(embedded.dynamoDbClient(), embedded.dynamoDbStreamsClient(), Optional.empty(), embedded::shutdown);
        }
        String[] args = dataDirectory
                .map(dir -> new String[] {"-port", Integer.toString(port.getAsInt()), "-disableTelemetry", "-sharedDb",
                        "-dbPath", dir.toString()})
                .orElse(new String[] {"-port", Integer.toString(port.getAsInt()), "-disableTelemetry", "-inMemory"});
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args);
            server.start();
            URI endpoint = URI.create("http://localhost:" + port.getAsInt());
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            DynamoDbClient client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).httpClient(Apache5HttpClient.create()).build();
            DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).httpClient(Apache5HttpClient.create()).build();
            return new LocalDynamoDb(client, streams, Optional.of(endpoint), () -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException("DynamoDB Local did not stop", e);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port.getAsInt() + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectory(Path directory) {
        try {
            java.nio.file.Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the data directory " + directory, e);
        }
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    Optional<URI> endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        stop.run();
    }
}
