package dev.usersapi.local;

import dev.usersapi.local.gateway.GatewayLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** How the local stack runs; every field has a command-line flag (see {@link #USAGE}). */
public record LocalOptions(
        String stack,
        int port,
        boolean inMemory,
        Optional<Path> dataDirectory,
        OptionalInt dynamoDbPort,
        Optional<java.net.URI> dynamoDbEndpoint,
        Duration streamPollInterval,
        Duration expiryInterval,
        Optional<String> jwtKey,
        GatewayLimits gatewayLimits) {

    static final String USAGE = """
            usage: users-api-local [options]
              --port N              HTTP port on 127.0.0.1 (default 8080; 0 picks a free one)
              --stack NAME          the stack whose declaration to run (default dev: stacks/Pulumi.dev.yaml)
              --in-memory           keep no data after exit (default: persist under --data-dir)
              --data-dir DIR        where data persists (default .users-api/<stack> in the checkout)
              --dynamodb-port N     also open the engine's DynamoDB endpoint on 127.0.0.1:N, for the AWS CLI,
                                    NoSQL Workbench or an SDK (loopback only)
              --dynamodb-endpoint URL
                                    run against another DynamoDB endpoint instead of the embedded engine: real
                                    DynamoDB (https://dynamodb.<region>.amazonaws.com) with your usual AWS region
                                    and credentials; the stack's tables are created there when missing
              --stream-poll-ms N    how often the stream event source polls (default 50; 250, Lambda's
                                    four polls a second, with --dynamodb-endpoint)
              --expiry-seconds N    how often expired users are removed (default 30)
              --exit-when-ready     start, print the ready line, stop (a smoke check for scripts)
              --jwt-key-file FILE   in prod mode (every stack but dev), the HS256 key tokens must be signed with,
                                    read from FILE (at least 32 bytes; a final newline is dropped). Or set
                                    USERS_API_JWT_KEY. Default: a random key; a sample token is printed either way
              --jwt-key SECRET      the same key on the command line, where every user of the machine sees it
                                    (ps); prefer the file or the variable
            """;

    /** The environment variable that may hold the JWT key, kept out of the command line. */
    static final String JWT_KEY_VARIABLE = "USERS_API_JWT_KEY";

    /** In process a poll costs microseconds, so the stream handler hears of a write within tens of milliseconds. */
    static final Duration EMBEDDED_STREAM_POLL = Duration.ofMillis(50);
    /** Against another endpoint, polls are requests that count against its limits: Lambda's pace. */
    static final Duration OTHER_ENDPOINT_STREAM_POLL = Duration.ofMillis(250);

    public static LocalOptions defaults() {
        return new LocalOptions("dev", 8080, false, Optional.empty(), OptionalInt.empty(), Optional.empty(),
                EMBEDDED_STREAM_POLL, Duration.ofSeconds(30), Optional.empty(), GatewayLimits.defaults());
    }

    /** The same options with other gateway limits: tests shorten the timeouts. */
    public LocalOptions withGatewayLimits(GatewayLimits limits) {
        return new LocalOptions(stack, port, inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, limits);
    }

    public static LocalOptions parse(String... args) {
        return parse(System.getenv(), args);
    }

    /** The options these arguments give, with the JWT key from {@code environment} where no flag names one. */
    static LocalOptions parse(java.util.Map<String, String> environment, String... args) {
        LocalOptions options = defaults();
        long keyFlags = java.util.Arrays.stream(args).filter(arg -> arg.equals("--jwt-key") || arg.equals("--jwt-key-file")).count();
        if (keyFlags > 1) {
            throw new IllegalArgumentException("give the JWT key once: --jwt-key-file or --jwt-key\n" + USAGE);
        }
        String fromEnvironment = environment.get(JWT_KEY_VARIABLE);
        if (keyFlags == 0 && fromEnvironment != null && !fromEnvironment.isEmpty()) {
            options = options.set("--jwt-key", fromEnvironment);
        }
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--in-memory" -> options = options.set(flag, "true");
                case "--port", "--stack", "--data-dir", "--dynamodb-port", "--dynamodb-endpoint", "--stream-poll-ms", "--expiry-seconds", "--jwt-key",
                        "--jwt-key-file" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                    }
                    options = options.set(flag, args[++i]);
                }
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        boolean pollIntervalGiven = java.util.Arrays.asList(args).contains("--stream-poll-ms");
        if (options.dynamoDbEndpoint.isPresent() && !pollIntervalGiven) {
            options = new LocalOptions(options.stack, options.port, options.inMemory, options.dataDirectory, options.dynamoDbPort,
                    options.dynamoDbEndpoint, OTHER_ENDPOINT_STREAM_POLL, options.expiryInterval, options.jwtKey, options.gatewayLimits);
        }
        if (options.dynamoDbEndpoint.isPresent() && options.dynamoDbPort.isPresent()) {
            throw new IllegalArgumentException("--dynamodb-port opens the embedded engine's endpoint; with --dynamodb-endpoint there is none\n" + USAGE);
        }
        return options;
    }

    private LocalOptions set(String flag, String value) {
        return switch (flag) {
            case "--in-memory" -> new LocalOptions(stack, port, true, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--port" -> new LocalOptions(stack, port(value, flag), inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--stack" -> new LocalOptions(value, port, inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--data-dir" -> new LocalOptions(stack, port, inMemory, Optional.of(Path.of(value)), dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--dynamodb-port" -> new LocalOptions(stack, port, inMemory, dataDirectory, OptionalInt.of(port(value, flag)), dynamoDbEndpoint, streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--dynamodb-endpoint" -> new LocalOptions(stack, port, inMemory, dataDirectory, dynamoDbPort, Optional.of(endpoint(value, flag)),
                    streamPollInterval, expiryInterval, jwtKey, gatewayLimits);
            case "--stream-poll-ms" -> new LocalOptions(stack, port, inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint,
                    Duration.ofMillis(positive(value, flag)), expiryInterval, jwtKey, gatewayLimits);
            case "--expiry-seconds" -> new LocalOptions(stack, port, inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval,
                    Duration.ofSeconds(positive(value, flag)), jwtKey, gatewayLimits);
            case "--jwt-key" -> new LocalOptions(stack, port, inMemory, dataDirectory, dynamoDbPort, dynamoDbEndpoint, streamPollInterval, expiryInterval,
                    Optional.of(jwtKey(value, flag)), gatewayLimits);
            case "--jwt-key-file" -> set("--jwt-key", keyFile(value, flag));
            default -> throw new IllegalArgumentException(flag);
        };
    }

    /** The key must be long enough for HS256 (RFC 7518 §3.2: at least the hash's 256 bits). */
    private static String jwtKey(String value, String flag) {
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException(flag + ": the JWT key must be at least 32 bytes");
        }
        return value;
    }

    private static String keyFile(String value, String flag) {
        try {
            String key = java.nio.file.Files.readString(Path.of(value), java.nio.charset.StandardCharsets.UTF_8);
            return key.endsWith("\r\n") ? key.substring(0, key.length() - 2) : key.endsWith("\n") ? key.substring(0, key.length() - 1) : key;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(flag + ": cannot read the JWT key from " + value + ": " + e.getMessage());
        }
    }

    private static java.net.URI endpoint(String value, String flag) {
        try {
            java.net.URI uri = new java.net.URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(flag + " must be an http or https URL, got " + value);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(flag + " must be an http or https URL, got " + value);
        }
    }

    private static int port(String value, String flag) {
        int port = integer(value, flag);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(flag + " must be a port number, got " + value);
        }
        return port;
    }

    private static int positive(String value, String flag) {
        int number = integer(value, flag);
        if (number <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, got " + value);
        }
        return number;
    }

    private static int integer(String value, String flag) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, got " + value);
        }
    }
}
