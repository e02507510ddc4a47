package dev.usersapi.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.declaration.TableDeclaration;
import dev.usersapi.store.UsersTableSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local, in memory, in this JVM, reached over HTTP through the same kind of client the
 * Lambda uses. One server per test JVM; every test class gets tables of its own.
 */
public final class DynamoDbLocal {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DynamoDbLocal instance;

    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private DynamoDbLocal(URI endpoint) {
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

    public static synchronized DynamoDbLocal shared() {
        if (instance == null) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting; nothing is left to clean
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start", e);
            }
            instance = new DynamoDbLocal(URI.create("http://127.0.0.1:" + port));
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
