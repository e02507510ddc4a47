package dev.usersapi.testing;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.declaration.TableDeclaration;
import dev.usersapi.store.UsersTableSettings;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The project's DynamoDB engine, in memory, in this JVM, reached over HTTP on loopback through the
 * same kind of client the Lambda uses. One per test JVM; every test class gets tables of its own.
 */
public final class DynamoDbEndpoint {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DynamoDbEndpoint instance;

    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private DynamoDbEndpoint(URI endpoint) {
        this.endpoint = endpoint;
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(Apache5HttpClient.create())
                .build();
        this.streams = DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(Apache5HttpClient.create())
                .build();
    }

    public static synchronized DynamoDbEndpoint shared() {
        if (instance == null) {
            DynamoDbEngine engine = new DynamoDbEngine(java.time.Clock.systemUTC());
            try {
                EngineHttpServer server = EngineHttpServer.onLoopback(engine, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                instance = new DynamoDbEndpoint(server.endpoint());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the engine opened its port", e);
            }
        }
        return instance;
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The dev stack's table declaration: the tests use the very table the stack declares. */
    public static TableDeclaration declaredTable() {
        return StackFile.load(ProjectLayout.current(), "dev").table();
    }

    /** New, empty tables as the dev stack declares them, and the settings the handlers read for them. */
    public UsersTableSettings createUsersTable() {
        StackFile stack = StackFile.load(ProjectLayout.current(), "dev");
        TableDeclaration table = stack.table();
        int number = TABLES.incrementAndGet();
        String users = create(table, "users-test-" + number);
        String keys = create(stack.idempotencyTable(), "idempotency-test-" + number);
        return new UsersTableSettings(users, table.globalSecondaryIndexes().get(0).name(), table.retention(), keys,
                stack.idempotencyTable().retention().orElseThrow());
    }

    private String create(TableDeclaration table, String name) {
        client.createTable(DynamoDbTables.createTableRequest(table, name));
        DynamoDbTables.timeToLiveRequest(table, name).ifPresent(client::updateTimeToLive);
        return name;
    }

}
