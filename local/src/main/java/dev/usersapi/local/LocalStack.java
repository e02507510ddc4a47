package dev.usersapi.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.declaration.TableDeclaration;
import dev.usersapi.local.expiry.ExpirySweeper;
import dev.usersapi.local.gateway.JwtAuthorizer;
import dev.usersapi.local.gateway.LocalGateway;
import dev.usersapi.local.reference.ApiReference;
import dev.usersapi.local.streams.FailureDestination;
import dev.usersapi.local.streams.StreamEventSource;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.stream.UserStreamHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole service on one machine: the project's DynamoDB engine in-process, the table the stack declares,
 * the Lambda handlers behind a local API gateway, the stream delivered to the stream handler,
 * and expired users removed. {@code main} runs it until Ctrl-C or SIGTERM.
 */
public final class LocalStack implements AutoCloseable {
    private static final java.time.Duration SAMPLE_TOKEN_LIFETIME = java.time.Duration.ofHours(12);
    static final String TABLE_NAME = "users";
    static final String IDEMPOTENCY_TABLE_NAME = "idempotency-keys";
    private final LocalDynamoDb dynamo;
    private final LocalGateway gateway;
    private final StreamEventSource streamSource;
    private final ScheduledExecutorService expiry;
    private final ExpirySweeper sweeper;
    private final FailureDestination failures;
    private final Path dataDirectory;
    private final List<String> notes;
    private final Optional<JwtAuthorizer> authorizer;
    private final Optional<String> sampleToken;

    private LocalStack(LocalDynamoDb dynamo, LocalGateway gateway, StreamEventSource streamSource, ScheduledExecutorService expiry,
                       ExpirySweeper sweeper, FailureDestination failures, Path dataDirectory, List<String> notes,
                       Optional<JwtAuthorizer> authorizer, Optional<String> sampleToken) {
        this.authorizer = authorizer;
        this.sampleToken = sampleToken;
        this.dynamo = dynamo;
        this.gateway = gateway;
        this.streamSource = streamSource;
        this.expiry = expiry;
        this.sweeper = sweeper;
        this.failures = failures;
        this.dataDirectory = dataDirectory;
        this.notes = notes;
    }

    public static LocalStack start(LocalOptions options, ProjectLayout layout) {
        return start(options, layout, new UserStreamHandler(), Clock.systemUTC());
    }

    /** With another stream handler, to watch what it receives, and a clock, to reach expiry without waiting. */
    public static LocalStack start(LocalOptions options, ProjectLayout layout,
                                   RequestHandler<DynamodbEvent, StreamsEventResponse> streamHandler, Clock clock) {
        StackFile stack = StackFile.load(layout, options.stack());
        TableDeclaration table = stack.table();
        Path dataDirectory = options.dataDirectory().orElse(layout.root().resolve(".users-api").resolve(options.stack()));
        LocalDynamoDb dynamo = LocalDynamoDb.start(options.inMemory() ? Optional.empty() : Optional.of(dataDirectory),
                options.dynamoDbPort());
        try {
            var description = LocalTables.ensure(dynamo.client(), table, TABLE_NAME);
            TableDeclaration idempotencyTable = stack.idempotencyTable();
            LocalTables.ensure(dynamo.client(), idempotencyTable, IDEMPOTENCY_TABLE_NAME);
            String emailIndex = table.globalSecondaryIndexes().get(0).name();
            var api = new LambdaInvoker<>(new UsersApiHandler(dynamo.client(),
                    new UsersTableSettings(TABLE_NAME, emailIndex, table.retention(), IDEMPOTENCY_TABLE_NAME,
                            idempotencyTable.retention().orElseThrow()), clock),
                    APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class);
            Optional<JwtAuthorizer> authorizer = jwtAuthorizer(stack, options, clock);
            Optional<String> sampleToken = authorizer.map(jwt -> jwt.issue("local-user", SAMPLE_TOKEN_LIFETIME));
            LocalGateway gateway = new LocalGateway(options.port(), OpenApiDocument.operations(layout.openApiDocument()),
                    (byte[] event, com.amazonaws.services.lambda.runtime.Context context) -> api.invoke(event, context), authorizer,
                    options.gatewayLimits(), Optional.of(new ApiReference(layout.openApiDocument(), sampleToken)));

            ExpirySweeper sweeper = new ExpirySweeper(dynamo.client(), TABLE_NAME, table, clock);
            ExpirySweeper keySweeper = new ExpirySweeper(dynamo.client(), IDEMPOTENCY_TABLE_NAME, idempotencyTable, clock);
            FailureDestination failures = new FailureDestination(dataDirectory.resolve("stream-failures.jsonl"));
            var consumer = new LambdaInvoker<>(streamHandler, DynamodbEvent.class, StreamsEventResponse.class);
            StreamEventSource streamSource = new StreamEventSource(dynamo.streams(), description.latestStreamArn(), "local",
                    stack.streamConsumer(),
                    event -> consumer.invoke(event, new LocalContext(UUID.randomUUID().toString(), "users-stream")),
                    sweeper::isTimeToLiveDeletion,
                    options.inMemory() ? Optional.empty() : Optional.of(dataDirectory.resolve("stream-checkpoints.json")),
                    // Record age is measured against the engine's own timestamps, which follow the real clock.
                    failures, Clock.systemUTC(), options.streamPollInterval(), line -> System.out.println("local: " + line));
            ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "expiry-sweeper");
                thread.setDaemon(true);
                return thread;
            });
            LocalStack stackRunning = new LocalStack(dynamo, gateway, streamSource, expiry, sweeper, failures, dataDirectory,
                    LocalTables.notEmulated(table), authorizer, sampleToken);
            gateway.start();
            streamSource.start(options.streamPollInterval());
            for (ExpirySweeper each : List.of(sweeper, keySweeper)) {
                expiry.scheduleWithFixedDelay(() -> sweepQuietly(each), options.expiryInterval().toMillis(),
                        options.expiryInterval().toMillis(), TimeUnit.MILLISECONDS);
            }
            return stackRunning;
        } catch (IOException e) {
            dynamo.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    /**
     * Where the stack names a JWT issuer (prod), every route needs a token, as behind API
     * Gateway's JWT authorizer; locally they are signed with the --jwt-key (or a random key).
     */
    private static Optional<JwtAuthorizer> jwtAuthorizer(StackFile stack, LocalOptions options, Clock clock) {
        return stack.section("users-api:api").optionalSection("jwt").map(jwt -> {
            byte[] key = options.jwtKey().map(secret -> secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseGet(() -> {
                byte[] random = new byte[32];
                new java.security.SecureRandom().nextBytes(random);
                return random;
            });
            return new JwtAuthorizer(key, jwt.string("issuer"), jwt.strings("audiences"), clock);
        });
    }

    /** A valid token for every route, when the stack requires tokens: the one printed and given to the API reference page. */
    public Optional<String> sampleToken() {
        return sampleToken;
    }

    /** The interactive API reference, Swagger UI on the contract. */
    public URI apiReferenceUrl() {
        return baseUrl().resolve("/docs/");
    }

    /** The local JWT authorizer, when the stack requires tokens. */
    public Optional<JwtAuthorizer> authorizer() {
        return authorizer;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    public Optional<URI> dynamoDbEndpoint() {
        return dynamo.endpoint();
    }

    public DynamoDbClient dynamoDb() {
        return dynamo.client();
    }

    public Path failureDestination() {
        return failures.file();
    }

    /** Removes expired users now, rather than at the next sweep; returns how many. */
    public int sweepExpired() {
        return sweeper.sweep();
    }

    private static void sweepQuietly(ExpirySweeper sweeper) {
        try {
            sweeper.sweep();
        } catch (RuntimeException e) {
            System.out.println("local: expiry sweep failed, retrying at the next one: " + e);
        }
    }

    List<String> notes() {
        return notes;
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        gateway.close();
        streamSource.close();
        dynamo.close();
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        LocalOptions options;
        try {
            options = LocalOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = start(options, ProjectLayout.current());
        } catch (RuntimeException e) {
            System.err.println("users-api local stack did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("local: shutting down");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        stack.notes().forEach(note -> System.out.println("local: " + note));
        System.out.printf("users-api local stack (stack %s) ready in %.1f s%n", options.stack(), (System.nanoTime() - started) / 1e9);
        System.out.println("  API:      " + stack.baseUrl());
        System.out.println("  docs:     " + stack.apiReferenceUrl() + "  (the API reference; try any route from the browser)");
        stack.dynamoDbEndpoint().ifPresent(endpoint -> System.out.println("  DynamoDB: " + endpoint
                + "  (the engine's endpoint, on loopback only; any access key works)"));
        System.out.println("  data:     " + (options.inMemory() ? "in memory (gone at exit)" : stack.dataDirectory + " (kept across restarts)"));
        System.out.println("  stream batches given up on: " + stack.failureDestination());
        String authorization = stack.sampleToken().map(token -> " -H 'Authorization: Bearer " + token + "'").orElse("");
        stack.authorizer().ifPresent(jwt -> System.out.println("  auth:     every route needs a JWT, as in the cloud; the one below is valid for 12 hours"));
        System.out.println("  try:      curl -si -X POST " + stack.baseUrl() + "/users -H 'content-type: application/json'" + authorization
                + " -d '{\"name\":\"Ada\",\"email\":\"ada@example.com\"}'");
        System.out.println("Ctrl-C stops it.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
