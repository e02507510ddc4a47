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
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The project's DynamoDB engine, in memory, in this JVM, reached over HTTP on loopback through the
 * same kind of client the Lambda uses. One per test JVM; every test class gets tables of its own.
 *
 * <p>With {@code USERS_API_DYNAMODB_ENDPOINT} (or {@code -Dusers-api.dynamodb-endpoint}) set, the
 * tests run against that endpoint instead, real DynamoDB for one, with the SDK's default region and
 * credentials chains; their tables carry this run's name and are deleted when the JVM exits.
 */
public final class DynamoDbEndpoint {
    private static final AtomicInteger TABLES = new AtomicInteger();
    /** The API function's name in the stacks. */
    static final String API_FUNCTION = "users-api";
    private static DynamoDbEndpoint instance;
    private static IllegalStateException unreachable;

    private final URI endpoint;
    private final DynamoDbClient client;
    /** The client the API function's code is given: its calls are recorded (FunctionCalls). */
    private final DynamoDbClient apiFunctionClient;
    private final DynamoDbStreamsClient streams;
    /** Empty for the embedded engine; on another endpoint, the run's name, which its tables carry. */
    private final String tablePrefix;
    private final java.util.List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DynamoDbEndpoint(URI endpoint, DynamoDbClient client, DynamoDbClient apiFunctionClient, DynamoDbStreamsClient streams,
                             String tablePrefix) {
        this.endpoint = endpoint;
        this.client = client;
        this.apiFunctionClient = apiFunctionClient;
        this.streams = streams;
        this.tablePrefix = tablePrefix;
    }

    private static DynamoDbEndpoint embedded(URI endpoint) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        return new DynamoDbEndpoint(endpoint, client(DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials), endpoint),
                client(DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                        .overrideConfiguration(o -> o.addExecutionInterceptor(new FunctionCalls(API_FUNCTION))), endpoint),
                client(DynamoDbStreamsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials), endpoint), "");
    }

    /** A DynamoDB or DynamoDB Streams client of the endpoint, through the same kind of HTTP client the Lambda uses. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint).httpClient(Apache5HttpClient.create()).build();
    }

    /** Another endpoint, with the default chains; it is waited for, as a process started beside the tests may still be starting. */
    private static DynamoDbEndpoint other(URI endpoint) {
        DynamoDbClient client = client(DynamoDbClient.builder(), endpoint);
        DynamoDbStreamsClient streams = client(DynamoDbStreamsClient.builder(), endpoint);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                client.listTables(list -> list.limit(1));
                break;
            } catch (software.amazon.awssdk.core.exception.SdkClientException unreachable) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the DynamoDB endpoint " + endpoint + " did not answer within 30 s", unreachable);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + endpoint, e);
                }
            }
        }
        String run = "users-api-test-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        DynamoDbClient apiFunctionClient = client(DynamoDbClient.builder()
                .overrideConfiguration(o -> o.addExecutionInterceptor(new FunctionCalls(API_FUNCTION))), endpoint);
        DynamoDbEndpoint shared = new DynamoDbEndpoint(endpoint, client, apiFunctionClient, streams, run);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::deleteCreatedTables));
        return shared;
    }

    /** The endpoint the tests were asked to use instead of the embedded engine, if any. */
    public static java.util.Optional<URI> requestedEndpoint() {
        return java.util.Optional.ofNullable(System.getProperty("users-api.dynamodb-endpoint"))
                .or(() -> java.util.Optional.ofNullable(System.getenv("USERS_API_DYNAMODB_ENDPOINT")))
                .filter(value -> !value.isBlank())
                .map(URI::create);
    }

    private void deleteCreatedTables() {
        for (String name : created) {
            try {
                client.deleteTable(delete -> delete.tableName(name));
            } catch (RuntimeException gone) {
                // Deleted already, or the endpoint has stopped: nothing left to clean.
            }
        }
    }

    /** True when the tests run against another endpoint rather than the embedded engine. */
    public boolean isOther() {
        return !tablePrefix.isEmpty();
    }

    public static synchronized DynamoDbEndpoint shared() {
        if (unreachable != null) {
            throw unreachable;
        }
        if (instance == null && requestedEndpoint().isPresent()) {
            try {
                instance = other(requestedEndpoint().get());
            } catch (IllegalStateException e) {
                // Said once; every later test fails at once with the same reason rather than waiting again.
                unreachable = e;
                throw e;
            }
        }
        if (instance == null) {
            DynamoDbEngine engine = new DynamoDbEngine(java.time.Clock.systemUTC());
            try {
                EngineHttpServer server = EngineHttpServer.onLoopback(engine, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                instance = embedded(server.endpoint());
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

    /** The client to give the API function's code: every call it makes is held to what the stacks grant (FunctionCalls). */
    public DynamoDbClient apiFunctionClient() {
        return apiFunctionClient;
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
        String users = create(table, tablePrefix + "users-test-" + number);
        String keys = create(stack.idempotencyTable(), tablePrefix + "idempotency-test-" + number);
        FunctionCalls.tableStandsFor(users, "users");
        FunctionCalls.tableStandsFor(keys, "idempotency-keys");
        return new UsersTableSettings(users, table.globalSecondaryIndexes().get(0).name(), table.retention(), keys,
                stack.idempotencyTable().retention().orElseThrow());
    }

    private String create(TableDeclaration table, String name) {
        client.createTable(DynamoDbTables.createTableRequest(table, name));
        created.add(name);
        // DynamoDB creates tables in the background and refuses their TTL setting until they are ACTIVE.
        client.waiter().waitUntilTableExists(describe -> describe.tableName(name));
        DynamoDbTables.timeToLiveRequest(table, name).ifPresent(client::updateTimeToLive);
        return name;
    }

}
