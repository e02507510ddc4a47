package dev.usersapi.bench;

import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The full benchmarks, or with {@code --smoke} a quick run of each (what the test command runs
 * so the harness cannot rot). Writes {@code bench/target/benchmarks/report.md} and {@code .json}.
 *
 * <pre>mvn -q -pl bench -am -DskipTests install && mvn -q -pl bench exec:exec</pre>
 */
public final class Benchmarks {
    static final String LAMBDA_FLAGS = ColdStartBenchmark.LAMBDA_FLAGS;

    private final boolean smoke;
    private final boolean coldStartOnly;
    private final ProjectLayout layout = ProjectLayout.current();
    private final Report report;

    Benchmarks(boolean smoke) {
        this(smoke, false);
    }

    Benchmarks(boolean smoke, boolean coldStartOnly) {
        this.smoke = smoke;
        this.coldStartOnly = coldStartOnly;
        this.report = new Report(smoke ? "smoke" : coldStartOnly ? "cold start" : "full");
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        boolean coldStartOnly = List.of(args).contains("--cold-start");
        Benchmarks benchmarks = new Benchmarks(smoke, coldStartOnly);
        // `--cold-start` runs only the cold start and the jar's size, `--gateway` only the gateway-overhead section,
        // `--engine` only the engine's, `--local` the local stack's start-up and stream lag: the ones to repeat while tuning them.
        Path written = coldStartOnly ? benchmarks.runColdStartOnly()
                : List.of(args).contains("--gateway") ? benchmarks.runGatewayOnly()
                : List.of(args).contains("--engine") ? benchmarks.runEngineOnly()
                : List.of(args).contains("--local") ? benchmarks.runLocalOnly() : benchmarks.run();
        System.out.println("report: " + written);
        System.exit(0);
    }

    Path run() throws Exception {
        try (DynamoDbServer dynamo = DynamoDbServer.withDevTables(layout)) {
            coldStart(dynamo.endpoint());
            jarSize();
            DynamoDbClient base = dynamo.client();
            Report.Section capacity = CapacityPerRoute.measure(meter -> DynamoDbClient.builder()
                    .endpointOverride(base.serviceClientConfiguration().endpointOverride().orElseThrow())
                    .region(base.serviceClientConfiguration().region())
                    .credentialsProvider(base.serviceClientConfiguration().credentialsProvider())
                    .overrideConfiguration(config -> config.addExecutionInterceptor(meter)).build(), dynamo.dev());
            report.add(capacity);
            EngineBenchmarks engine = new EngineBenchmarks(layout, smoke);
            report.add(engine.startup());
            report.add(engine.throughput());
            report.add(engine.scale());
            report.add(warmRequests());
            LocalBenchmarks local = new LocalBenchmarks(layout, smoke);
            report.add(local.startupToReady());
            report.add(local.gatewayOverhead());
            report.add(local.paginationScaling());
            report.add(local.streamLag());
        }
        return written();
    }

    /** The cold-start figures alone: what to retake while tuning the jar or the client (under two minutes). */
    private Path runColdStartOnly() throws Exception {
        try (DynamoDbServer dynamo = DynamoDbServer.withDevTables(layout)) {
            coldStart(dynamo.endpoint());
        }
        jarSize();
        return written();
    }

    private Path runEngineOnly() throws Exception {
        EngineBenchmarks engine = new EngineBenchmarks(layout, smoke);
        report.add(engine.startup());
        report.add(engine.throughput());
        report.add(engine.scale());
        return written();
    }

    private Path runLocalOnly() throws Exception {
        LocalBenchmarks local = new LocalBenchmarks(layout, smoke);
        report.add(local.startupToReady());
        report.add(local.streamLag());
        return written();
    }

    private Path runGatewayOnly() throws Exception {
        report.add(new LocalBenchmarks(layout, smoke).gatewayOverhead());
        return written();
    }

    private Path written() throws java.io.IOException {
        Path directory = layout.root().resolve("bench/target/benchmarks");
        report.write(directory);
        return directory.resolve("report.md");
    }

    Report report() {
        return report;
    }

    /** What a probe printed, and how it exited. */
    record ProbeRun(int exitCode, String output) {}

    /**
     * Runs a probe in a fresh JVM with Lambda's flags and only the Lambda jar (and the probe's
     * classes) on the class path, against an engine of its own, on loopback, holding the dev tables.
     */
    ProbeRun runInLambdaJvm(Class<?> probe, String... jvmOptions) throws Exception {
        try (DynamoDbServer dynamo = DynamoDbServer.withDevTables(layout)) {
            String classes = Path.of(probe.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            List<String> command = new ArrayList<>(List.of(javaBinary()));
            command.addAll(List.of(LAMBDA_FLAGS.split(" ")));
            command.addAll(List.of(jvmOptions));
            command.addAll(List.of("-cp", lambdaJar() + java.io.File.pathSeparator + classes, probe.getName()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(lambdaEnvironment(dynamo.endpoint()));
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new ProbeRun(child.waitFor(), output);
        }
    }

    /** The engine's HTTP listener on a free port, holding the dev stack's tables: what a Lambda JVM of the benchmarks calls. */
    record DynamoDbServer(DynamoDbEngine engine, EngineHttpServer server, String endpoint,
                          DynamoDbClient client, StackFile dev) implements AutoCloseable {
        static DynamoDbServer withDevTables(ProjectLayout layout) throws Exception {
            var engine = new DynamoDbEngine(java.time.Clock.systemUTC());
            var server = EngineHttpServer.onLoopback(engine, 0);
            String endpoint = server.endpoint().toString();
            DynamoDbClient client = DynamoDbClient.builder().endpointOverride(java.net.URI.create(endpoint)).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                    .httpClient(Apache5HttpClient.create()).build();
            StackFile dev = StackFile.load(layout, "dev");
            client.createTable(DynamoDbTables.createTableRequest(dev.table(), "users"));
            client.createTable(DynamoDbTables.createTableRequest(dev.idempotencyTable(), "idempotency-keys"));
            return new DynamoDbServer(engine, server, endpoint, client, dev);
        }

        @Override
        public void close() {
            client.close();
            server.close();
            engine.close();
        }
    }

    /**
     * What Lambda sets for the API function, pointed at the engine's listener through the SDK's endpoint variable.
     * The runtime's own variables are there too (the SDK reads the function name and trace id to send X-Ray's header),
     * and the X-Ray daemon's address Lambda sets under active tracing, so the sampled trace id below sends each call's
     * subsegment (to a port nobody listens on: the cost is the sender's).
     */
    static Map<String, String> lambdaEnvironment(String endpoint) {
        return Map.ofEntries(
                Map.entry("USERS_TABLE", "users"), Map.entry("USERS_EMAIL_INDEX", "email-index"), Map.entry("USERS_RETENTION", "P5D"),
                Map.entry("USERS_IDEMPOTENCY_TABLE", "idempotency-keys"), Map.entry("USERS_IDEMPOTENCY_RETENTION", "PT24H"),
                Map.entry("AWS_REGION", "us-east-1"), Map.entry("AWS_ACCESS_KEY_ID", "bench"), Map.entry("AWS_SECRET_ACCESS_KEY", "bench"),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "users-api-bench"), Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
                Map.entry("AWS_EXECUTION_ENV", "AWS_Lambda_java21"),
                Map.entry("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
                Map.entry("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000"),
                Map.entry("AWS_ENDPOINT_URL_DYNAMODB", endpoint));
    }

    private void coldStart(String endpoint) throws Exception {
        // -Dusers-api.cold-start.rounds=N measures N rounds instead (more for a final figure on a noisy machine).
        int measured = Integer.getInteger("users-api.cold-start.rounds", coldStartOnly ? 5 : 10);
        ColdStartBenchmark.Rounds rounds = smoke ? new ColdStartBenchmark.Rounds(0, 1, true) : new ColdStartBenchmark.Rounds(1, measured, false);
        report.add(new ColdStartBenchmark(lambdaJar(), rounds, lambdaEnvironment(endpoint))
                .measure(layout.root().resolve("bench/target/cold-start")));
    }

    /** JMH: a warm handler's time per request in process, without HTTP on either side. */
    private Report.Section warmRequests() throws Exception {
        var options = new org.openjdk.jmh.runner.options.OptionsBuilder()
                .include(WarmRequestBenchmark.class.getName())
                .forks(smoke ? 0 : 1)
                .warmupIterations(smoke ? 1 : 3).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .measurementIterations(smoke ? 1 : 5).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .build();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (var result : new org.openjdk.jmh.runner.Runner(options).run()) {
            var primary = result.getPrimaryResult();
            String name = result.getParams().getBenchmark();
            figures.put(name.substring(name.lastIndexOf('.') + 1) + " (us/op)",
                    String.format("%.1f ± %.1f", primary.getScore(), Double.isNaN(primary.getScoreError()) ? 0.0 : primary.getScoreError()));
        }
        return new Report.Section("warm requests (JMH)", "reported, no target", figures, true,
                "JMH average time per request through UsersApi against the engine in process, one fork, 3 warm-up and 5 "
                        + "measured iterations of 1 s; on this noisy 2-core machine the error bars are wide.");
    }

    /**
     * The shipped jar's size, and what of it a cold start loads: the jar probe (both handlers, every
     * route, the priming hook, a stream batch) with the JVM's class-loading log, grouped by library.
     */
    private void jarSize() throws Exception {
        Path jar = lambdaJar();
        long bytes = Files.size(jar);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jar (MB)", String.format("%.2f", bytes / 1e6));
        figures.put("HTTP client inside", ColdStartBenchmark.shippedClient(jar).artifact());
        boolean nothingUnloaded = true;
        if (smoke) {
            // The test command runs the same check in LambdaJarTest: the smoke pass does not start that JVM twice.
            figures.put("libraries of which no class is loaded", "checked by LambdaJarTest, not in the smoke pass");
        } else {
            ClassLoadCoverage coverage = ClassLoadCoverage.of(this);
            figures.put("classes in the jar / loaded by the jar probe's cold paths", coverage.classesInJar() + " / " + coverage.loaded().size());
            figures.put("libraries of which no class is loaded", coverage.unloadedLibraries());
            nothingUnloaded = coverage.unloadedLibraries().isEmpty();
        }
        report.add(new Report.Section("Lambda jar size", "<= 5 MB, one HTTP client, no library the functions do not load", figures,
                bytes <= 5_000_000 && nothingUnloaded,
                "The class-loading log (-Xlog:class+load) of LambdaJarProbe on the shipped jar alone: both handlers' constructors as "
                        + "Lambda calls them, every route and its main error answers, the priming hook and a stream batch. A library "
                        + "is a top-level package of the jar (software.amazon.awssdk.<module>, org.apache.hc, ...)."));
    }

    Path lambdaJar() throws IOException {
        Path target = layout.root().resolve("handlers/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Lambda jar in " + target + ": run mvn package first"));
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static List<String> readLinesUntil(Process process, String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
            if (line.contains(marker)) {
                break;
            }
        }
        return lines;
    }
}
