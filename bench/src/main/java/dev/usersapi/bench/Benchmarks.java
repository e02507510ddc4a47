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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static final String LAMBDA_FLAGS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    private static final Pattern PROBE = Pattern.compile(
            "init_ms=([\\d.]+) create_ms=([\\d.]+) list_ms=([\\d.]+) create_status=(\\d+) list_status=(\\d+)");

    private final boolean smoke;
    private final ProjectLayout layout = ProjectLayout.current();
    private final Report report;

    Benchmarks(boolean smoke) {
        this.smoke = smoke;
        this.report = new Report(smoke ? "smoke" : "full");
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Benchmarks benchmarks = new Benchmarks(smoke);
        // `--gateway` runs only the gateway-overhead section, `--engine` only the engine's, `--local` the local
        // stack's start-up and stream lag: the ones to repeat while tuning them.
        Path written = List.of(args).contains("--gateway") ? benchmarks.runGatewayOnly()
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
    ProbeRun runInLambdaJvm(Class<?> probe) throws Exception {
        try (DynamoDbServer dynamo = DynamoDbServer.withDevTables(layout)) {
            String classes = Path.of(probe.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            List<String> command = new ArrayList<>(List.of(javaBinary()));
            command.addAll(List.of(LAMBDA_FLAGS.split(" ")));
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

    /** What Lambda sets for the API function, pointed at the engine's listener through the SDK's endpoint variable. */
    static Map<String, String> lambdaEnvironment(String endpoint) {
        return Map.of(
                "USERS_TABLE", "users", "USERS_EMAIL_INDEX", "email-index", "USERS_RETENTION", "P5D",
                "USERS_IDEMPOTENCY_TABLE", "idempotency-keys", "USERS_IDEMPOTENCY_RETENTION", "PT24H",
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench",
                "AWS_ENDPOINT_URL_DYNAMODB", endpoint);
    }

    private void coldStart(String endpoint) throws Exception {
        Path jar = lambdaJar();
        String classes = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String classPath = jar + java.io.File.pathSeparator + classes;
        Map<String, String> environment = lambdaEnvironment(endpoint);
        int warmUps = smoke ? 1 : 3;
        int runs = smoke ? 2 : 10;
        Map<String, List<Double>> process = new LinkedHashMap<>();
        Map<String, List<Double>> init = new LinkedHashMap<>();
        Map<String, List<Double>> firstRequest = new LinkedHashMap<>();
        for (int i = 0; i < warmUps + runs; i++) {
            // Side by side in every round: the machine is shared and noisy.
            for (String variant : List.of("hello", "handler", "primed")) {
                List<String> command = new ArrayList<>(List.of(javaBinary()));
                command.addAll(List.of(LAMBDA_FLAGS.split(" ")));
                command.addAll(List.of("-cp", variant.equals("hello") ? classes : classPath,
                        variant.equals("hello") ? HelloProbe.class.getName() : ColdStartProbe.class.getName()));
                if (variant.equals("primed")) {
                    command.add("primed");
                }
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().putAll(environment);
                long started = System.nanoTime();
                Process child = builder.start();
                String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                child.waitFor();
                double millis = (System.nanoTime() - started) / 1e6;
                if (i < warmUps) {
                    continue;
                }
                process.computeIfAbsent(variant, key -> new ArrayList<>()).add(millis);
                if (!variant.equals("hello")) {
                    Matcher probe = PROBE.matcher(output);
                    if (!probe.find() || !probe.group(4).equals("201") || !probe.group(5).equals("200")) {
                        throw new IllegalStateException("the cold-start probe failed: " + output);
                    }
                    init.computeIfAbsent(variant, key -> new ArrayList<>()).add(Double.parseDouble(probe.group(1)));
                    firstRequest.computeIfAbsent(variant, key -> new ArrayList<>()).add(Double.parseDouble(probe.group(2)));
                }
            }
        }
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (int i = 0; i < warmUps + runs; i++) {
            List<String> command = new ArrayList<>(List.of(javaBinary()));
            command.addAll(List.of(LAMBDA_FLAGS.split(" ")));
            command.addAll(List.of("-cp", classPath, InitBreakdownProbe.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            child.waitFor();
            Matcher step = Pattern.compile("(\\w+)_ms=([\\d.]+)").matcher(output);
            while (i >= warmUps && step.find()) {
                steps.computeIfAbsent(step.group(1), key -> new ArrayList<>()).add(Double.parseDouble(step.group(2)));
            }
        }
        Stats handler = Stats.of(process.get("handler"));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("whole process, hello world (ms)", Stats.of(process.get("hello")).toString());
        figures.put("whole process, start + create + list + exit (ms)", handler.toString());
        figures.put("handler init (ms)", Stats.of(init.get("handler")).toString());
        figures.put("first request, unprimed (ms)", Stats.of(firstRequest.get("handler")).toString());
        figures.put("whole process, primed (ms)", Stats.of(process.get("primed")).toString());
        figures.put("init with priming (ms)", Stats.of(init.get("primed")).toString());
        figures.put("first request after priming (ms)", Stats.of(firstRequest.get("primed")).toString());
        steps.forEach((step, values) -> figures.put("init step " + step + " (ms)", String.format("median %.1f", Stats.of(values).median())));
        report.add(new Report.Section("cold start", "whole process median <= 700 ms", figures, handler.median() <= 700,
                "Fresh JVMs with Lambda's flags (" + LAMBDA_FLAGS + "), only the Lambda jar and the probe class on the class path, "
                        + "against the engine on loopback. Priming runs the SnapStart hook inside init, as the checkpoint would: "
                        + "under SnapStart that init is paid once, before the snapshot, and the first request starts warm."));
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

    private void jarSize() throws Exception {
        Path jar = lambdaJar();
        long bytes = Files.size(jar);
        List<String> clients = new ArrayList<>();
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (String client : List.of("software/amazon/awssdk/http/apache5/", "software/amazon/awssdk/http/apache/",
                    "software/amazon/awssdk/http/urlconnection/", "software/amazon/awssdk/http/nio/netty/", "software/amazon/awssdk/http/crt/")) {
                if (zip.stream().anyMatch(entry -> entry.getName().startsWith(client))) {
                    clients.add(client);
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jar (MB)", String.format("%.2f", bytes / 1e6));
        figures.put("HTTP clients inside", clients);
        report.add(new Report.Section("Lambda jar size", "<= 5 MB, one HTTP client", figures, bytes <= 5_000_000 && clients.size() == 1,
                "The shaded jar is not minimized yet: the SDK's endpoint rules, regions metadata and Apache HttpClient 5 dominate."));
    }

    private Path lambdaJar() throws IOException {
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
