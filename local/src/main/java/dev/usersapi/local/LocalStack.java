package dev.usersapi.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.api.Route;
import dev.usersapi.api.Authorization;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.declaration.TableDeclaration;
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
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole service on one machine: the project's DynamoDB engine in-process, the table the stack declares,
 * the Lambda handlers behind a local API gateway, the stream delivered to the stream handler,
 * and expired users removed by the engine's time to live. With {@code --dynamodb-endpoint} the same
 * stack runs against another DynamoDB endpoint instead. {@code main} runs it until Ctrl-C or SIGTERM.
 */
public final class LocalStack implements AutoCloseable {
    private static final java.time.Duration SAMPLE_TOKEN_LIFETIME = java.time.Duration.ofHours(12);
    static final String TABLE_NAME = "users";
    static final String IDEMPOTENCY_TABLE_NAME = "idempotency-keys";
    private final LocalDynamoDb dynamo;
    private final LocalGateway gateway;
    private final StreamEventSource streamSource;
    private final FailureDestination failures;
    private final String usersTable;
    private final Path dataDirectory;
    private final List<String> notes;
    private final Optional<JwtAuthorizer> authorizer;
    private final Optional<String> sampleToken;

    private LocalStack(LocalDynamoDb dynamo, LocalGateway gateway, StreamEventSource streamSource, String usersTable,
                       FailureDestination failures, Path dataDirectory, List<String> notes,
                       Optional<JwtAuthorizer> authorizer, Optional<String> sampleToken) {
        this.authorizer = authorizer;
        this.sampleToken = sampleToken;
        this.dynamo = dynamo;
        this.gateway = gateway;
        this.streamSource = streamSource;
        this.usersTable = usersTable;
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
        return start(options, layout, streamHandler, clock, Probes.NONE);
    }

    /**
     * What a benchmark wraps around the API function to time its parts where they run, inside the
     * gateway: the handler alone, and the invocation (the Lambda runtime's serializers and the
     * handler). {@link #NONE} wraps nothing, so the request path pays nothing for them.
     */
    public record Probes(UnaryOperator<RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handler,
                         UnaryOperator<BiFunction<byte[], com.amazonaws.services.lambda.runtime.Context, byte[]>> invocation) {
        public static final Probes NONE = new Probes(UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** With probes around the API function (a benchmark's). */
    public static LocalStack start(LocalOptions options, ProjectLayout layout,
                                   RequestHandler<DynamodbEvent, StreamsEventResponse> streamHandler, Clock clock, Probes probes) {
        StackFile stack = StackFile.load(layout, options.stack());
        TableDeclaration table = stack.table();
        Path stackDirectory = options.dataDirectory().orElse(layout.root().resolve(".users-api").resolve(options.stack()));
        // Against another endpoint the tables are there; only the event source's checkpoints and
        // failures stay here, kept apart per endpoint so the engine's shards and theirs never mix.
        Path dataDirectory = options.dynamoDbEndpoint().map(endpoint -> stackDirectory.resolve("endpoint-"
                + (endpoint.getHost() + (endpoint.getPort() < 0 ? "" : "-" + endpoint.getPort())).replaceAll("[^A-Za-z0-9.-]", "_")))
                .orElse(stackDirectory);
        // Even in memory, batches given up on (their records, names and emails in them) are kept here.
        ownerOnlyDirectory(dataDirectory);
        LocalDynamoDb dynamo = options.dynamoDbEndpoint().map(LocalDynamoDb::other)
                .orElseGet(() -> LocalDynamoDb.embedded(options.inMemory() ? Optional.empty() : Optional.of(dataDirectory),
                        options.dynamoDbPort(), clock, options.expiryInterval()));
        // In an AWS account, names that say whose tables they are, beside whatever else lives there.
        String prefix = options.dynamoDbEndpoint().isPresent() ? "users-api-local-" + options.stack() + "-" : "";
        String usersTable = prefix + TABLE_NAME;
        String keysTable = prefix + IDEMPOTENCY_TABLE_NAME;
        try {
            var description = LocalTables.ensure(dynamo.client(), table, usersTable);
            TableDeclaration idempotencyTable = stack.idempotencyTable();
            LocalTables.ensure(dynamo.client(), idempotencyTable, keysTable);
            String emailIndex = table.globalSecondaryIndexes().get(0).name();
            Optional<JwtAuthorizer> authorizer = jwtAuthorizer(stack, options, clock);
            // As in the cloud, the function trusts the claims the gateway's authorizer passes; only the
            // open dev mode, with no authorizer in front, runs it with USERS_AUTHORIZATION=none.
            var api = new LambdaInvoker<>(probes.handler().apply(new UsersApiHandler(dynamo.client(),
                    new UsersTableSettings(usersTable, emailIndex, table.retention(), keysTable,
                            idempotencyTable.retention().orElseThrow()), clock,
                    authorizer.isPresent() ? Authorization.JWT : Authorization.NONE)),
                    APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class);
            Optional<String> sampleToken = authorizer.map(jwt -> jwt.issue("local-user", Route.Scopes.ALL, SAMPLE_TOKEN_LIFETIME));
            LocalGateway gateway = new LocalGateway(options.port(), OpenApiDocument.operations(layout.openApiDocument()),
                    probes.invocation().apply(api::invoke), authorizer,
                    options.gatewayLimits(), Optional.of(new ApiReference(layout.openApiDocument(), sampleToken)), stack.cors());

            FailureDestination failures = new FailureDestination(dataDirectory.resolve("stream-failures.jsonl"));
            var consumer = new LambdaInvoker<>(streamHandler, DynamodbEvent.class, StreamsEventResponse.class);
            StreamEventSource streamSource = new StreamEventSource(dynamo.streams(), description.latestStreamArn(), "local",
                    stack.streamConsumer(),
                    event -> consumer.invoke(event, new LocalContext(UUID.randomUUID().toString(), "users-stream")),
                    options.inMemory() ? Optional.empty() : Optional.of(dataDirectory.resolve("stream-checkpoints.json")),
                    // Record age follows real time, as the mapping's does: a test's clock that jumps days
                    // ahead to reach expiry must not age the records written before the jump.
                    failures, Clock.systemUTC(), options.streamPollInterval(), line -> System.out.println("local: " + line));
            List<String> notes = options.dynamoDbEndpoint().isPresent()
                    ? List.of("tables " + usersTable + " and " + keysTable + " on " + options.dynamoDbEndpoint().get()
                            + ", created there if missing; that endpoint does their time to live")
                    : LocalTables.notEmulated(table, options.expiryInterval());
            LocalStack stackRunning = new LocalStack(dynamo, gateway, streamSource, usersTable, failures, dataDirectory,
                    notes, authorizer, sampleToken);
            gateway.start();
            streamSource.start(options.streamPollInterval());
            return stackRunning;
        } catch (IOException e) {
            dynamo.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    /** The stack the local dev mode runs: open, on loopback, every caller an administrator. */
    static final String OPEN_STACK = "dev";
    /** The local prod mode's issuer and audience where the stack names an issuer of its own making (Cognito's, created in the cloud). */
    static final String LOCAL_ISSUER = "https://issuer.users-api.invalid/local";
    static final String LOCAL_CLIENT_ID = "users-api-local";

    /**
     * The local prod mode, every stack but dev: as on every AWS stage, each route needs an access
     * token with one of its scopes, checked as API Gateway's JWT authorizer checks it; locally they
     * are signed with the local key (USERS_API_JWT_KEY, --jwt-key-file, --jwt-key, or a random key).
     * The issuer and audiences are the stack's own where it names them (an external issuer), local ones otherwise.
     */
    private static Optional<JwtAuthorizer> jwtAuthorizer(StackFile stack, LocalOptions options, Clock clock) {
        if (stack.stack().equals(OPEN_STACK)) {
            return Optional.empty();
        }
        Optional<dev.usersapi.declaration.ConfigSection> jwt = stack.section("users-api:api").optionalSection("jwt");
        String issuer = jwt.flatMap(section -> section.optionalString("issuer")).orElse(LOCAL_ISSUER);
        List<String> audiences = jwt.filter(section -> section.has("audiences")).map(section -> section.strings("audiences"))
                .filter(list -> !list.isEmpty()).orElse(List.of(LOCAL_CLIENT_ID));
        byte[] key = options.jwtKey().map(secret -> secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseGet(() -> {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            return random;
        });
        return Optional.of(new JwtAuthorizer(key, issuer, audiences, clock));
    }

    /**
     * The data directory, created readable by its owner only (0700): it holds users' names and
     * emails. One that exists with wider permissions is narrowed to the same.
     */
    static void ownerOnlyDirectory(Path directory) {
        try {
            Path absolute = directory.toAbsolutePath();
            if (!absolute.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                java.nio.file.Files.createDirectories(absolute);
                return;
            }
            var ownerOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
            if (java.nio.file.Files.isDirectory(absolute)) {
                if (!java.nio.file.Files.getPosixFilePermissions(absolute).equals(ownerOnly)) {
                    java.nio.file.Files.setPosixFilePermissions(absolute, ownerOnly);
                }
                return;
            }
            if (absolute.getParent() != null && !java.nio.file.Files.isDirectory(absolute.getParent())) {
                ownerOnlyDirectory(absolute.getParent());
            }
            java.nio.file.Files.createDirectory(absolute, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(ownerOnly));
            // The umask may have taken some away; the owner needs all three.
            java.nio.file.Files.setPosixFilePermissions(absolute, ownerOnly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + directory + ": " + e.getMessage(), e);
        }
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

    /**
     * Has the embedded engine expire what is due now, rather than at its next sweep; returns how
     * many items went. Empty against another endpoint, which expires on its own schedule.
     */
    public OptionalInt expireNow() {
        return dynamo.expireNow();
    }

    /** The users table's name: "users" in the embedded engine, one that names the stack on another endpoint. */
    public String usersTableName() {
        return usersTable;
    }

    List<String> notes() {
        return notes;
    }

    @Override
    public void close() {
        gateway.close();
        streamSource.close();
        dynamo.close();
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        // Start, say so, stop: a smoke check for scripts, and bin/local's way to record what a start loads.
        boolean exitWhenReady = List.of(args).contains("--exit-when-ready");
        LocalOptions options;
        try {
            options = LocalOptions.parse(java.util.Arrays.stream(args).filter(arg -> !arg.equals("--exit-when-ready")).toArray(String[]::new));
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
        stack.dynamo.otherEndpoint().ifPresent(endpoint -> System.out.println("  DynamoDB: " + endpoint
                + "  (another endpoint, with your AWS region and credentials)"));
        System.out.println("  data:     " + (options.dynamoDbEndpoint().isPresent() ? "in the tables on that endpoint"
                : options.inMemory() ? "in memory (gone at exit)" : stack.dataDirectory + " (kept across restarts)"));
        System.out.println("  stream batches given up on: " + stack.failureDestination());
        stack.authorizer().ifPresent(jwt -> System.out.println("  tokens:   POST " + stack.baseUrl() + "/oauth2/token, client credentials as with"
                + " Cognito: client id " + jwt.clientId() + ", secret " + jwt.clientSecret() + " (scope=" + String.join(" ", Route.Scopes.ALL) + ")"));
        String authorization = stack.sampleToken().map(token -> " -H 'Authorization: Bearer " + token + "'").orElse("");
        stack.authorizer().ifPresent(jwt -> System.out.println("  auth:     every route needs an access token with its scope, as in the cloud;"
                + " the one below (" + String.join(" ", Route.Scopes.ALL) + ") is valid for 12 hours"));
        System.out.println("  try:      curl -si -X POST " + stack.baseUrl() + "/users -H 'content-type: application/json'" + authorization
                + " -d '{\"name\":\"Ada\",\"email\":\"ada@example.com\"}'");
        if (exitWhenReady) {
            System.exit(0);
        }
        System.out.println("Ctrl-C stops it.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
