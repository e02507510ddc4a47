package dev.usersapi.bench;

import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The project's DynamoDB engine: start-up, throughput in process and over HTTP, against
 * dynalite measured in the same run with the same client and items; page cost as the table
 * grows, heap for 100,000 users, and reopening them from disk.
 */
final class EngineBenchmarks {
    private static final String BIO = "x".repeat(820);
    private final ProjectLayout layout;
    private final boolean smoke;
    private final StackFile dev;

    EngineBenchmarks(ProjectLayout layout, boolean smoke) {
        this.layout = layout;
        this.smoke = smoke;
        this.dev = StackFile.load(layout, "dev");
    }

    private static DynamoDbClient client(SdkHttpClient http, URI endpoint) {
        return DynamoDbClient.builder().httpClient(http).endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))).build();
    }

    /**
     * The SDK as an embedding application should build it: no key, so no signing (the engine checks
     * none), and a fixed endpoint in place of the SDK's endpoint rules. Both are per-call SDK work
     * that guards a network the in-process client does not use.
     */
    static DynamoDbClient inProcess(DynamoDbEngine engine) {
        software.amazon.awssdk.endpoints.Endpoint endpoint = software.amazon.awssdk.endpoints.Endpoint.builder()
                .url(URI.create("http://engine.in-process")).build();
        return DynamoDbClient.builder().httpClient(new InProcessHttpClient(engine)).region(Region.US_EAST_1)
                .endpointProvider(parameters -> java.util.concurrent.CompletableFuture.completedFuture(endpoint))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create()).build();
    }

    private void createDevTables(DynamoDbClient client) {
        client.createTable(DynamoDbTables.createTableRequest(dev.table(), "users"));
        client.createTable(DynamoDbTables.createTableRequest(dev.idempotencyTable(), "idempotency-keys"));
    }

    /** A user of about 1 KB, as the service writes them. */
    static Map<String, AttributeValue> user(int n, String email) {
        String id = String.format("01a21446-0000-7000-8000-%012d", n);
        return Map.of("id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN(Long.toString(1_795_000_000_000L + n)),
                "updatedAt", AttributeValue.fromN(Long.toString(1_795_000_000_000L + n)), "version", AttributeValue.fromN("1"),
                "name", AttributeValue.fromS("User " + n), "email", AttributeValue.fromS(email), "age", AttributeValue.fromN(Integer.toString(n % 90)),
                "bio", AttributeValue.fromS(BIO));
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> user) {
        return Map.of("id", user.get("id"), "createdAt", user.get("createdAt"));
    }

    /** Rates of one client: puts of new users, gets, and 25-user pages of the email index. */
    private record Rates(double puts, double gets, double queries, double gets8) {}

    private Rates rates(DynamoDbClient client, Duration each) throws Exception {
        for (int i = 0; i < 25; i++) {
            client.putItem(put -> put.tableName("users").item(user(900_000_000, "page@example.com")));
            int n = 900_000_001 + i;
            client.putItem(put -> put.tableName("users").item(user(n, "page@example.com")));
        }
        Map<String, AttributeValue> known = user(900_000_001, "page@example.com");
        AtomicLong next = new AtomicLong();
        Callable<Object> put = () -> client.putItem(p -> p.tableName("users").item(user((int) next.incrementAndGet(), "rate@example.com")));
        Callable<Object> get = () -> client.getItem(g -> g.tableName("users").key(keyOf(known)).consistentRead(true));
        Callable<Object> query = () -> client.query(q -> q.tableName("users").indexName("email-index").keyConditionExpression("email = :e")
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("page@example.com"))).limit(25));
        for (Callable<Object> task : List.of(put, get, query)) {
            warmUntilSteady(1, task);
        }
        warmUntilSteady(8, get);
        return new Rates(LocalBenchmarks.closedLoop(1, each, put), LocalBenchmarks.closedLoop(1, each, get), LocalBenchmarks.closedLoop(1, each, query), LocalBenchmarks.closedLoop(8, each, get));
    }

    /** CPU time the calling thread spends per call (the SDK and its HTTP client, not the server's threads), over {@code duration}. */
    private static double clientCpuMicrosPerCall(Duration duration, Callable<Object> call) throws Exception {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long end = System.nanoTime() + duration.toNanos();
        long calls = 0;
        while (System.nanoTime() < end) {
            call.call();
            calls++;
        }
        return (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e3 / calls;
    }

    /** CPU time another process spends per call made here (user and system, from /proc/PID/stat in clock ticks of 10 ms). */
    private static double processCpuMicrosPerCall(long pid, Duration duration, Callable<Object> call) throws Exception {
        long ticksBefore = processCpuTicks(pid);
        long end = System.nanoTime() + duration.toNanos();
        long calls = 0;
        while (System.nanoTime() < end) {
            call.call();
            calls++;
        }
        return (processCpuTicks(pid) - ticksBefore) * 10_000.0 / calls;
    }

    private static long processCpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Warms the task in 2 s rounds until they agree (the SDK alone went from 1,700 to 25,000 GetItem/s over 12 s). */
    private void warmUntilSteady(int threads, Callable<Object> task) throws Exception {
        Duration round = smoke ? Duration.ofMillis(200) : Duration.ofSeconds(2);
        LocalBenchmarks.untilSteady(smoke, () -> LocalBenchmarks.closedLoop(threads, round, task));
    }

    Report.Section throughput() throws Exception {
        Duration each = smoke ? Duration.ofMillis(500) : Duration.ofSeconds(5);
        Rates inProcess;
        Rates overHttp;
        double clientMicros;
        try (DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC()); DynamoDbClient client = inProcess(engine)) {
            createDevTables(client);
            inProcess = rates(client, each);
        }
        try (DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC()); EngineHttpServer server = EngineHttpServer.onLoopback(engine, 0);
             DynamoDbClient client = client(Apache5HttpClient.create(), server.endpoint())) {
            createDevTables(client);
            overHttp = rates(client, each);
            Map<String, AttributeValue> known = keyOf(user(900_000_001, "page@example.com"));
            clientMicros = clientCpuMicrosPerCall(each, () -> client.getItem(g -> g.tableName("users").key(known).consistentRead(true)));
        }
        Rates raw;
        Map<String, Double> engineCpu = new LinkedHashMap<>();
        try (DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC())) {
            raw = rawRates(engine, each, engineCpu);
        }
        Map<String, Double> dynaliteCpu = new LinkedHashMap<>();
        Optional<Rates> dynalite = dynaliteRates(each, dynaliteCpu);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("in process, 1 thread: PutItem / GetItem / Query of 25 (per s)", String.format("%.0f / %.0f / %.0f",
                inProcess.puts(), inProcess.gets(), inProcess.queries()));
        figures.put("the engine alone, raw JSON in and out, 1 thread: PutItem / GetItem / Query of 25 (per s)", String.format("%.0f / %.0f / %.0f",
                raw.puts(), raw.gets(), raw.queries()));
        figures.put("HTTP on loopback, Apache client, 1 thread: PutItem / GetItem / Query of 25 (per s)", String.format("%.0f / %.0f / %.0f",
                overHttp.puts(), overHttp.gets(), overHttp.queries()));
        figures.put("HTTP on loopback, 8 threads: GetItem (per s)", String.format("%.0f", overHttp.gets8()));
        // The client's own CPU bounds every HTTP figure, whatever the server: one thread cannot call faster than its CPU allows,
        // and 8 threads share 2 cores with the server.
        figures.put("HTTP client's own CPU per GetItem, on the calling thread (us)", String.format("%.0f", clientMicros));
        figures.put("ceiling that CPU sets with no server cost at all: 1 thread / 8 threads on " + Runtime.getRuntime().availableProcessors()
                + " cores (per s)", String.format("%.0f / %.0f", 1e6 / clientMicros, Runtime.getRuntime().availableProcessors() * 1e6 / clientMicros));
        figures.put("the engine's own CPU per request, raw JSON in process: PutItem / GetItem / Query of 25 (us)",
                String.format("%.1f / %.1f / %.1f", engineCpu.get("PutItem"), engineCpu.get("GetItem"), engineCpu.get("Query")));
        dynalite.ifPresentOrElse(their -> {
            figures.put("dynalite 4.0.0, same client: PutItem / GetItem / Query of 25 (per s)", String.format("%.0f / %.0f / %.0f",
                    their.puts(), their.gets(), their.queries()));
            figures.put("dynalite, 8 threads: GetItem (per s)", String.format("%.0f", their.gets8()));
            figures.put("dynalite's own CPU per request, its whole process over HTTP: PutItem / GetItem / Query of 25 (us)",
                    String.format("%.1f / %.1f / %.1f", dynaliteCpu.get("PutItem"), dynaliteCpu.get("GetItem"), dynaliteCpu.get("Query")));
        }, () -> figures.put("dynalite", "not installed (npm ci in engine/conformance)"));
        // No ratio to dynalite over HTTP any more: the client's own CPU per call (above) caps any server's rate on one thread.
        boolean met = inProcess.gets() >= 20_000 && inProcess.puts() >= 10_000 && inProcess.queries() >= 5_000 && overHttp.gets8() >= 10_000;
        return new Report.Section("engine throughput", "in process: GetItem >= 20,000/s, PutItem >= 10,000/s, Query >= 5,000/s; "
                + "HTTP 8 threads GetItem >= 10,000/s; the engine's own CPU per request reported beside dynalite's", figures, met,
                "Users of about 1 KB; the SDK for Java v2 with its real marshalling and signing, in process through the engine's "
                        + "SdkHttpClient, and over loopback with the Apache 5 client to the engine's listener and to dynalite (in memory), "
                        + "each " + each.toMillis() + " ms after warm-up rounds of 2 s until two agree within 5%, on the same 2 cores.");
    }

    /**
     * The engine's own cost, with no SDK: the same requests as raw JSON. The gap to the in-process
     * SDK figures is the SDK's per-call work (signing, checksums, builders, interceptors, retries).
     */
    private Rates rawRates(DynamoDbEngine engine, Duration each, Map<String, Double> cpuMicros) throws Exception {
        Tables.createDev(engine, dev);
        AtomicLong next = new AtomicLong();
        String pageUser = Tables.putJson(user(900_000_001, "page@example.com"));
        for (int i = 0; i < 25; i++) {
            engine.handle(DynamoDbEngine.TARGET_PREFIX + "PutItem", Tables.putJson(user(900_000_001 + i, "page@example.com")).getBytes());
        }
        byte[] get = ("{\"TableName\":\"users\",\"ConsistentRead\":true,\"Key\":" + Tables.keyJson(user(900_000_001, "page@example.com")) + "}").getBytes();
        byte[] query = ("{\"TableName\":\"users\",\"IndexName\":\"email-index\",\"KeyConditionExpression\":\"email = :e\","
                + "\"ExpressionAttributeValues\":{\":e\":{\"S\":\"page@example.com\"}},\"Limit\":25}").getBytes();
        Callable<Object> put = () -> engine.handle(DynamoDbEngine.TARGET_PREFIX + "PutItem",
                Tables.putJson(user((int) next.incrementAndGet(), "rate@example.com")).getBytes());
        Callable<Object> read = () -> engine.handle(DynamoDbEngine.TARGET_PREFIX + "GetItem", get);
        Callable<Object> page = () -> engine.handle(DynamoDbEngine.TARGET_PREFIX + "Query", query);
        for (Callable<Object> task : List.of(put, read, page)) {
            warmUntilSteady(1, task);
        }
        Rates rates = new Rates(LocalBenchmarks.closedLoop(1, each, put), LocalBenchmarks.closedLoop(1, each, read),
                LocalBenchmarks.closedLoop(1, each, page), 0);
        // The engine works on the calling thread here: that thread's CPU is the engine's own.
        Duration cpuRun = smoke ? Duration.ofMillis(100) : Duration.ofSeconds(2);
        cpuMicros.put("PutItem", clientCpuMicrosPerCall(cpuRun, put));
        cpuMicros.put("GetItem", clientCpuMicrosPerCall(cpuRun, read));
        cpuMicros.put("Query", clientCpuMicrosPerCall(cpuRun, page));
        return rates;
    }

    private Optional<Rates> dynaliteRates(Duration each, Map<String, Double> cpuMicros) throws Exception {
        Path cli = layout.root().resolve("engine/conformance/node_modules/dynalite/cli.js");
        if (!Files.exists(cli)) {
            return Optional.empty();
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process dynalite = new ProcessBuilder("node", cli.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--createTableMs", "0").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (DynamoDbClient client = client(Apache5HttpClient.create(), URI.create("http://127.0.0.1:" + port))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    client.listTables();
                    break;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(50); // dynalite is starting; it has no readiness signal but its port
                }
            }
            createDevTables(client);
            client.waiter().waitUntilTableExists(d -> d.tableName("users"));
            Rates rates = rates(client, each);
            // dynalite's process CPU per request (the kernel's tally for its pid), its HTTP layer included.
            Map<String, AttributeValue> known = keyOf(user(900_000_001, "page@example.com"));
            AtomicLong next = new AtomicLong(2_000_000_000L);
            Duration cpuRun = smoke ? Duration.ofMillis(200) : Duration.ofSeconds(2);
            cpuMicros.put("PutItem", processCpuMicrosPerCall(dynalite.pid(), cpuRun,
                    () -> client.putItem(p -> p.tableName("users").item(user((int) (next.incrementAndGet() % Integer.MAX_VALUE), "cpu@example.com")))));
            cpuMicros.put("GetItem", processCpuMicrosPerCall(dynalite.pid(), cpuRun,
                    () -> client.getItem(g -> g.tableName("users").key(known).consistentRead(true))));
            cpuMicros.put("Query", processCpuMicrosPerCall(dynalite.pid(), cpuRun,
                    () -> client.query(q -> q.tableName("users").indexName("email-index").keyConditionExpression("email = :e")
                            .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("page@example.com"))).limit(25))));
            return Optional.of(rates);
        } finally {
            dynalite.destroy();
            dynalite.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** In-process start: a fresh JVM until the engine has answered its first requests. */
    Report.Section startup() throws Exception {
        int runs = smoke ? 2 : 10;
        Path work = Files.createTempDirectory("engine-start");
        String classPath = engineClassPath(work);
        Path archive = work.resolve("engine-start.jsa");
        // The first run records the classes it loads; the measured runs map them, as bin/local's JVM does.
        probe(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), classPath);
        List<String> asBinLocal = List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-XX:TieredStopAtLevel=1");
        List<Double> plain = new ArrayList<>();
        List<Double> archived = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            plain.add(probe(List.of(), classPath));
            archived.add(probe(asBinLocal, classPath));
        }
        Stats withArchive = Stats.of(archived);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("with bin/local's JVM flags: class-data archive, C1 (ms)", withArchive.toString());
        figures.put("a plain JVM, no archive (ms)", Stats.of(plain).toString());
        return new Report.Section("engine start to ready", "median <= 50 ms (as bin/local runs it)", figures,
                withArchive.median() <= 50, "In a fresh JVM: from before the engine is constructed to its answer to CreateTable and GetItem "
                        + "(raw requests, no SDK: the SDK client's own start-up is the SDK's), with the engine's jar and its run-time "
                        + "dependencies on the class path. A plain JVM loads and verifies about 700 classes on the way (Jackson's "
                        + "parser, the engine's operations); the archive maps them instead.");
    }

    private static double probe(List<String> flags, String classPath) throws Exception {
        List<String> command = new ArrayList<>(List.of(Benchmarks.javaBinary()));
        command.addAll(flags);
        command.addAll(List.of("-cp", classPath, EngineStartProbe.class.getName()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        probe.waitFor();
        if (!output.contains("ready_ms=")) {
            throw new IllegalStateException("the engine start probe failed: " + output);
        }
        return Double.parseDouble(output.replaceAll("(?s).*ready_ms=([\\d.]+).*", "$1"));
    }

    /**
     * What an application embedding the engine has on its class path: the engine's jar and its
     * run-time dependencies (engine/target/runtime-classpath.txt, written by its build), and the
     * probe, packed as a jar, as class-data sharing maps classes from jars only.
     */
    private String engineClassPath(Path work) throws java.io.IOException {
        Path engineTarget = layout.root().resolve("engine/target");
        Path dependencies = engineTarget.resolve("runtime-classpath.txt");
        Optional<Path> engineJar;
        try (var jars = Files.list(engineTarget)) {
            engineJar = jars.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("users-api-engine-.*\\.jar") && !name.matches(".*-(tests|sources|javadoc)\\.jar"))
                    .findFirst().map(engineTarget::resolve);
        }
        if (!Files.exists(dependencies) || engineJar.isEmpty()) {
            throw new IllegalStateException("package the engine first (mvn package -pl engine): its jar and " + dependencies + " are missing");
        }
        Path probe = work.resolve("probe.jar");
        String entry = EngineStartProbe.class.getName().replace('.', '/') + ".class";
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(probe));
             var in = EngineStartProbe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return String.join(java.io.File.pathSeparator, probe.toString(), engineJar.get().toString(), Files.readString(dependencies).trim());
    }

    /** Page cost as the table grows, heap for the users, and reopening them from disk. */
    Report.Section scale() throws Exception {
        int small = smoke ? 100 : 1_000;
        int large = smoke ? 2_000 : 100_000;
        Map<String, Object> figures = new LinkedHashMap<>();
        Runtime runtime = Runtime.getRuntime();
        Stats atSmall;
        Stats atLarge;
        double heapMb;
        try (DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC()); DynamoDbClient client = inProcess(engine)) {
            createDevTables(client);
            System.gc();
            long before = runtime.totalMemory() - runtime.freeMemory();
            load(client, 0, small);
            atSmall = pageLatency(client);
            load(client, small, large);
            System.gc();
            heapMb = (runtime.totalMemory() - runtime.freeMemory() - before) / 1e6;
            atLarge = pageLatency(client);
        }
        Path directory = Files.createTempDirectory("engine-bench");
        try (DynamoDbEngine engine = DynamoDbEngine.open(directory, Clock.systemUTC()); DynamoDbClient client = inProcess(engine)) {
            createDevTables(client);
            load(client, 0, large);
        }
        long started = System.nanoTime();
        int reopenedCount;
        try (DynamoDbEngine reopened = DynamoDbEngine.open(directory, Clock.systemUTC())) {
            double openMs = (System.nanoTime() - started) / 1e6;
            figures.put("open " + large + " users from disk (ms)", String.format("%.0f", openMs));
            try (DynamoDbClient client = inProcess(reopened)) {
                reopenedCount = client.scanPaginator(s -> s.tableName("users").select("COUNT")).stream().mapToInt(page -> page.count()).sum();
            }
        }
        figures.put("users found after reopening", reopenedCount);
        figures.put("page of 25 at " + small + " users (ms)", atSmall.toString());
        figures.put("page of 25 at " + large + " users (ms)", atLarge.toString());
        figures.put("ratio of medians", String.format("%.2f", atLarge.median() / atSmall.median()));
        figures.put("heap for " + large + " users (MB)", String.format("%.0f", heapMb));
        double openMs = Double.parseDouble(figures.get("open " + large + " users from disk (ms)").toString());
        boolean met = atLarge.median() <= 1.2 * atSmall.median() && heapMb <= 300 && openMs <= 1000 && reopenedCount == large;
        return new Report.Section("engine at scale", "page at 100,000 <= 1.2 x page at 1,000; 100,000 users <= 300 MB heap; reopen <= 1 s",
                figures, met, "Scan pages of 25 (Limit and ExclusiveStartKey, as GET /users walks them) in process; heap as used memory after "
                + "a full GC, before and after loading; the reopen reads every user back and rebuilds the email index.");
    }

    private static void load(DynamoDbClient client, int from, int to) {
        List<WriteRequest> batch = new ArrayList<>();
        for (int n = from; n < to; n++) {
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(user(n, "user" + (n % 1000) + "@example.com")).build()).build());
            if (batch.size() == 25 || n == to - 1) {
                List<WriteRequest> items = List.copyOf(batch);
                client.batchWriteItem(write -> write.requestItems(Map.of("users", items)));
                batch.clear();
            }
        }
    }

    private Stats pageLatency(DynamoDbClient client) {
        List<Double> latencies = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int i = 0; i < (smoke ? 40 : 400); i++) {
            Map<String, AttributeValue> from = start;
            long began = System.nanoTime();
            var page = client.scan(s -> s.tableName("users").limit(25).exclusiveStartKey(from));
            latencies.add((System.nanoTime() - began) / 1e6);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        }
        return Stats.of(latencies.subList(latencies.size() / 4, latencies.size()));
    }

}
