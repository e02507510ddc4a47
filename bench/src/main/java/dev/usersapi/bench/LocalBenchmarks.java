package dev.usersapi.bench;

import dev.usersapi.api.Authorization;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.local.LocalOptions;
import dev.usersapi.local.LocalStack;
import dev.usersapi.log.JsonLines;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The benchmarks of the local stack: start-up, gateway overhead, pagination, stream lag. */
final class LocalBenchmarks {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ProjectLayout layout;
    private final boolean smoke;

    LocalBenchmarks(ProjectLayout layout, boolean smoke) {
        this.layout = layout;
        this.smoke = smoke;
    }

    private LocalStack start(UserStreamHandler streamHandler) {
        return start(streamHandler, LocalStack.Probes.NONE);
    }

    private LocalStack start(UserStreamHandler streamHandler, LocalStack.Probes probes) {
        LocalOptions defaults = LocalOptions.defaults();
        return LocalStack.start(new LocalOptions("dev", 0, true, Optional.empty(), OptionalInt.empty(), Optional.empty(), defaults.streamPollInterval(),
                defaults.expiryInterval(), Optional.empty(), dev.usersapi.local.gateway.GatewayLimits.defaults()), layout, streamHandler, Clock.systemUTC(),
                probes);
    }

    private static UserStreamHandler quietStreamHandler() {
        return new UserStreamHandler(change -> { }, new JsonLines(new PrintStream(new ByteArrayOutputStream())));
    }

    /** bin/local itself, a fresh JVM each time, until it prints that it is ready; its first run records the class-data archive. */
    Report.Section startupToReady() throws Exception {
        int warmUps = smoke ? 1 : 2;
        int runs = smoke ? 2 : 10;
        List<Double> ready = new ArrayList<>();
        for (int i = 0; i < warmUps + runs; i++) {
            long started = System.nanoTime();
            Process process = new ProcessBuilder("bash", layout.root().resolve("bin/local").toString(), "--port", "0", "--in-memory")
                    .directory(layout.root().toFile()).redirectErrorStream(true).start();
            List<String> lines = Benchmarks.readLinesUntil(process, "ready in");
            double millis = (System.nanoTime() - started) / 1e6;
            process.destroy();
            // Each run waits for the last to finish, so none competes with another's shutdown.
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
            if (lines.stream().noneMatch(line -> line.contains("ready in"))) {
                throw new IllegalStateException("the local stack did not start: " + lines);
            }
            if (i >= warmUps) {
                ready.add(millis);
            }
        }
        Stats stats = Stats.of(ready);
        return new Report.Section("local stack start-up to ready", "median <= 1500 ms", Map.of("process start to ready (ms)", stats.toString()),
                stats.median() <= 1500, "From running bin/local (its freshness check, then its JVM with the class-data archive it records once per build) "
                        + "to the ready line, in memory, over the process's own clock. Without the archive: 2.2 s.");
    }

    /** GET /users/{id} through the gateway against raw GetItem on the local stack's own database (the engine), same concurrency, same run. */
    Report.Section gatewayOverhead() throws Exception {
        InSituCpu inSitu = new InSituCpu();
        try (LocalStack stack = start(quietStreamHandler(), inSitu.probes())) {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Load\",\"email\":\"load@example.com\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = created.headers().firstValue("Location").orElseThrow();
            String id = location.substring(location.lastIndexOf('/') + 1);
            long createdAt = dev.usersapi.model.UserIds.keyOf(id).orElseThrow().createdAt();
            Duration duration = Duration.ofSeconds(smoke ? 1 : 5);
            int rounds = smoke ? 1 : 5;
            int threads = 8;
            URI uri = stack.baseUrl().resolve(location);
            // The same gateway without the database call: a path no route has (the $default route, which
            // the handler answers 404 at once), and an id the handler refuses before it reads (its 400). They bound the ratio:
            // a GET costs at least the handler's path without the read plus the read itself.
            URI gatewayOnly = stack.baseUrl().resolve("/no-such-route");
            URI handlerWithoutRead = stack.baseUrl().resolve("/users/not-a-user-id");
            Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN(Long.toString(createdAt)));
            java.util.concurrent.Callable<Object> rawGet = () -> stack.dynamoDb().getItem(get -> get.tableName("users").key(key).consistentRead(true));
            Duration warmUpRound = Duration.ofSeconds(smoke ? 1 : 5);
            int warmUpRounds = untilSteady(smoke, () -> {
                closedLoop(threads, warmUpRound, rawGet);
                return loadGenerator(uri, threads, warmUpRound);
            });
            loadGenerator(gatewayOnly, threads, warmUpRound);
            loadGenerator(handlerWithoutRead, threads, warmUpRound);
            // Alternating rounds, compared by their medians: on a shared 2-core machine one long run
            // of each drifted by up to 40% between them, which no single pair of runs can tell apart.
            List<Double> gatewayRates = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            List<Double> gatewayOnlyRates = new ArrayList<>();
            List<Double> withoutReadRates = new ArrayList<>();
            // The handler's own time: the same GET event straight into the handler, on the same client and database.
            UsersApiHandler handler = new UsersApiHandler(stack.dynamoDb(),
                    UsersTableSettings.fromEnvironment(Benchmarks.lambdaEnvironment(stack.baseUrl().toString())), Clock.systemUTC(),
                    Authorization.JWT);
            var getEvent = Events.http("GET", location, "GET /users/{id}", Map.of("id", id), null);
            java.util.concurrent.Callable<Object> handlerGet = () -> {
                int status = handler.handleRequest(getEvent, null).getStatusCode();
                if (status != 200) {
                    throw new IllegalStateException("the handler answered the GET with " + status);
                }
                return status;
            };
            Duration handlerRound = smoke ? Duration.ofMillis(200) : duration;
            closedLoop(threads, smoke ? handlerRound : warmUpRound, handlerGet);
            List<Double> handlerRates = new ArrayList<>();
            List<GatewayCpu> getCpu = new ArrayList<>();
            List<GatewayCpu> notFoundCpu = new ArrayList<>();
            List<Double> handlerCpu = new ArrayList<>();
            List<Double> handlerUserCpu = new ArrayList<>();
            List<Double> handlerSharedCpu = new ArrayList<>();
            List<Double> replayHandlerCpu = new ArrayList<>();
            List<Double> replayInvocationCpu = new ArrayList<>();
            List<Double> rawCpu = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                GatewayCpu get = GatewayCpu.of(uri, threads, duration, inSitu);
                var replayGet = inSitu.replayLast();
                getCpu.add(get);
                gatewayRates.add(get.rate());
                Load rawRound = measuredLoop(threads, duration, rawGet);
                rawRates.add(rawRound.rate());
                rawCpu.add(rawRound.microsPerRequest(rawRound.workers().totalNanos()));
                Load handlerLoad = measuredLoop(threads, handlerRound, handlerGet);
                handlerRates.add(handlerLoad.rate());
                handlerCpu.add(handlerLoad.microsPerRequest(handlerLoad.workers().totalNanos()));
                handlerUserCpu.add(handlerLoad.microsPerRequest(handlerLoad.workers().userNanos()));
                // The same direct calls while the gateway answers a path no route has to the same connections on the
                // same cores: what sharing them with HTTP, the load generator and the kernel costs the
                // handler's own CPU, with none of the gateway's work around the handler itself.
                ExecutorService beside = Executors.newSingleThreadExecutor();
                var notFoundLoad = beside.submit(() -> loadGenerator(gatewayOnly, threads, handlerRound));
                Load sharedLoad = measuredLoop(threads, handlerRound, handlerGet);
                notFoundLoad.get();
                beside.shutdown();
                handlerSharedCpu.add(sharedLoad.microsPerRequest(sharedLoad.workers().totalNanos()));
                // The gateway's last event invoked again, straight from the same number of threads: the
                // runtime's serializers and the handler as inside the gateway, without HTTP or a thread hop.
                InSituCpu.Totals beforeReplay = inSitu.totals();
                Load replay = measuredLoop(threads, handlerRound, replayGet);
                replayHandlerCpu.add(inSitu.totals().minus(beforeReplay).handlerMicros());
                replayInvocationCpu.add(replay.microsPerRequest(replay.workers().totalNanos()));
                GatewayCpu notFound = GatewayCpu.of(gatewayOnly, threads, duration, inSitu);
                notFoundCpu.add(notFound);
                gatewayOnlyRates.add(notFound.rate());
                withoutReadRates.add(loadGenerator(handlerWithoutRead, threads, duration));
            }
            double gateway = Stats.of(gatewayRates).median();
            double raw = Stats.of(rawRates).median();
            double handlerOwn = 1e6 / Stats.of(handlerRates).median();
            // Time per request at this concurrency on these cores: 1 / rate.
            double added = 1e6 / gateway - 1e6 / raw;
            double handlerCpuOwn = median(handlerCpu);
            // The gateway's own CPU: its event loops and function threads in user space, less the
            // handler's own CPU on the same requests (the handler, the SDK, the engine: they run on
            // the function threads), taken there by the probe around handleRequest.
            double gatewayOwn = median(getCpu.stream().map(GatewayCpu::ownMicros).toList());
            double handlerInSitu = median(getCpu.stream().map(GatewayCpu::handlerInSituMicros).toList());
            double serializer = median(getCpu.stream().map(GatewayCpu::serializerMicros).toList());
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("gateway's own CPU: its event loops and function threads in user space, less the handler's on the same requests (us per request)",
                    String.format("%.1f", gatewayOwn));
            figures.put("the handler's own CPU inside the gateway: thread CPU around handleRequest on the function threads, same requests (us per request)",
                    String.format("%.1f", handlerInSitu));
            figures.put("the handler's own CPU called directly: the same GET straight into the handler, on its calling threads (us per request)",
                    String.format("%.1f", handlerCpuOwn));
            figures.put("the handler's own CPU called directly while the gateway answers a path no route has to the same connections on the same cores (us per request)",
                    String.format("%.1f", median(handlerSharedCpu)));
            figures.put("the gateway's last event invoked again straight from as many threads, no HTTP: the handler's own CPU / the invocation's, serializers included (us per call)",
                    String.format("%.1f / %.1f", median(replayHandlerCpu), median(replayInvocationCpu)));
            figures.put("of the gateway's own CPU: Netty's event loops, user space (us per request)",
                    String.format("%.1f", median(getCpu.stream().map(GatewayCpu::ioUserMicros).toList())));
            figures.put("of the gateway's own CPU: function threads outside the handler, user space (us per request)",
                    String.format("%.1f", median(getCpu.stream().map(GatewayCpu::functionOutsideHandlerMicros).toList())));
            figures.put("of that: the Lambda runtime's serializers, fromJson and toJson, kept for parity (us per request)",
                    String.format("%.1f", serializer));
            figures.put("the gateway's own code: its own CPU less the Lambda runtime's serializers (us per request)",
                    String.format("%.1f", gatewayOwn - serializer));
            figures.put("(upper bound, last session's figure) gateway's threads in user space less the handler called directly (us per request)",
                    String.format("%.1f", median(getCpu.stream().map(GatewayCpu::gatewayUserMicros).toList()) - median(handlerUserCpu)));
            figures.put("one reading of the thread's CPU, the probes' unit of cost (us; two per probe)",
                    String.format("%.2f", InSituCpu.readingMicros()));
            figures.put("kernel on the gateway's threads: loopback TCP, epoll (us per request)",
                    String.format("%.1f", median(getCpu.stream().map(GatewayCpu::gatewayKernelMicros).toList())));
            figures.put("load generator's CPU: Java HttpClient's calling threads and its own, user and kernel (us per request)",
                    getCpu.get(0).loadGeneratorMeasured() ? String.format("%.1f", median(getCpu.stream().map(GatewayCpu::loadGeneratorMicros).toList()))
                            : "not measured (wrk, another process)");
            figures.put("whole process's CPU, user / kernel (us per request; also GC and JIT)",
                    String.format("%.1f / %.1f", median(getCpu.stream().map(GatewayCpu::processUserMicros).toList()),
                            median(getCpu.stream().map(GatewayCpu::processKernelMicros).toList())));
            figures.put("a path no route has (the $default route: the handler's 404): the gateway's own CPU / the handler's in situ / kernel on the gateway's threads (us per request)",
                    String.format("%.1f / %.1f / %.1f", median(notFoundCpu.stream().map(GatewayCpu::ownMicros).toList()),
                            median(notFoundCpu.stream().map(GatewayCpu::handlerInSituMicros).toList()),
                            median(notFoundCpu.stream().map(GatewayCpu::gatewayKernelMicros).toList())));
            figures.put("raw GetItem's CPU on its calling threads (us per request)", String.format("%.1f", median(rawCpu)));
            figures.put("(old figure) gateway's added time: 1/GET rate less 1/raw rate (us per request)", String.format("%.1f", added));
            figures.put("(old figure) the handler's own time: 1/its rate (us per request)", String.format("%.1f", handlerOwn));
            figures.put("gateway GET /users/{id} (req/s)", Stats.of(gatewayRates).toString());
            figures.put("raw GetItem (req/s)", Stats.of(rawRates).toString());
            figures.put("handler, in process (req/s)", Stats.of(handlerRates).toString());
            figures.put("a path no route has, the handler's 404 (req/s)", Stats.of(gatewayOnlyRates).toString());
            figures.put("gateway and handler without the read, its 400 (req/s)", Stats.of(withoutReadRates).toString());
            figures.put("warm-up rounds", Integer.toString(warmUpRounds));
            figures.put("load generator", wrkInstalled() ? "wrk" : "Java HttpClient (wrk not installed)");
            return new Report.Section("gateway overhead", "gateway's own CPU per request <= the handler's own CPU per request, both inside the gateway",
                    figures, gatewayOwn <= handlerInSitu,
                    threads + " connections against the gateway, " + threads + " threads of raw GetItem through the same in-process "
                            + "client the handler uses, " + rounds + " alternating rounds of " + duration.toSeconds() + " s each after "
                            + "warm-up rounds of " + warmUpRound.toSeconds() + " s until two agree within 5%, on the same 2 cores. "
                            + "A gateway request is HTTP, a payload 2.0 event to JSON and through the Lambda "
                            + "runtime's serializer, the handler's GetItem, and back. CPU per request is each group of threads' CPU "
                            + "time (ThreadMXBean, user and kernel apart) over the requests of the same round: the gateway's are its Netty "
                            + "event loops (local-gateway-io) and function threads (local-gateway), less the handler's own CPU on the "
                            + "same requests, taken on the function thread around handleRequest (and around the invocation, for the "
                            + "Lambda runtime's serializers' share) by probes the benchmark wraps around the API function. Beside it, three "
                            + "controls of the handler's own CPU: called directly on threads of its own; the same while the gateway "
                            + "answers a path no route has to the same load (sharing the cores); and the gateway's last event invoked again "
                            + "from as many threads, through the runtime's serializers without HTTP. The target compares the "
                            + "two in-situ figures: called in a loop the handler costs less than half its in-situ CPU, and so "
                            + "does the runtime's serializer (bench/README.md). The load generator's are its calling threads and Java HttpClient's own; the "
                            + "process's come from /proc/self/stat. The load generator, the kernel's loopback TCP and the handler are "
                            + "outside the gateway's own figure: in API Gateway they are the client, the network and the integration "
                            + "(its Latency less IntegrationLatency is its own overhead; AWS publishes no figure for it). "
                            + "Old figures (1 / rate at the same concurrency on the same cores) kept for continuity: they charge the "
                            + "gateway with the load generator's CPU and the kernel's, which the raw read, an in-process call, does not "
                            + "pay. (The older target, gateway >= 0.5 x raw GetItem, was retired: bench/README.md.) "
                            + "The gateway serves connections on Netty's event loops and hands only complete requests to its "
                            + "function threads; warmed the same way, Netty answered 5,370 req/s where the JDK's HttpServer, "
                            + "used before, answered 4,125 (wrk, 8 connections, same machine and run).");
        }
    }

    private static double median(List<Double> values) {
        return Stats.of(values).median();
    }

    /** One round of GETs through the gateway, with the CPU each group of threads spent on it. */
    private record GatewayCpu(double rate, long requests, ThreadCpu.Cpu io, ThreadCpu.Cpu function, Optional<ThreadCpu.Cpu> loadGenerator,
                              Optional<ThreadCpu.Cpu> process, InSituCpu.Totals inSitu) {
        static GatewayCpu of(URI uri, int connections, Duration duration, InSituCpu probes) throws Exception {
            InSituCpu.Totals inSituBefore = probes.totals();
            ThreadCpu.Snapshot before = ThreadCpu.snapshot();
            Optional<ThreadCpu.Cpu> processBefore = ThreadCpu.process();
            Optional<Double> byWrk = wrk(uri, connections, duration);
            Load load = byWrk.isPresent() ? new Load(byWrk.get(), Math.round(byWrk.get() * duration.toNanos() / 1e9), ThreadCpu.Cpu.NONE)
                    : measuredLoop(connections, duration, () -> HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()));
            ThreadCpu.Snapshot after = ThreadCpu.snapshot();
            InSituCpu.Totals inSitu = probes.totals().minus(inSituBefore);
            Optional<ThreadCpu.Cpu> process = processBefore.flatMap(start -> ThreadCpu.process().map(end -> end.minus(start)));
            ThreadCpu.Cpu io = after.since(before, "local-gateway-io"::equals);
            ThreadCpu.Cpu function = after.since(before, "local-gateway"::equals);
            Optional<ThreadCpu.Cpu> generator = byWrk.isPresent() ? Optional.empty()
                    : Optional.of(load.workers().plus(after.since(before, name -> name.startsWith("HttpClient-"))));
            return new GatewayCpu(load.rate(), Math.max(1, load.requests()), io, function, generator, process, inSitu);
        }

        private double micros(long nanos) {
            return nanos / 1e3 / requests;
        }

        double ioUserMicros() {
            return micros(io.userNanos());
        }

        double functionUserMicros() {
            return micros(function.userNanos());
        }

        double gatewayUserMicros() {
            return micros(io.userNanos() + function.userNanos());
        }

        /** The handler's CPU on these requests, taken around handleRequest (user and kernel: it makes no system calls of its own). */
        double handlerInSituMicros() {
            return micros(inSitu.handlerNanos());
        }

        double functionOutsideHandlerMicros() {
            return micros(function.userNanos() - inSitu.handlerNanos());
        }

        double ownMicros() {
            return micros(io.userNanos() + function.userNanos() - inSitu.handlerNanos());
        }

        double serializerMicros() {
            return micros(inSitu.invocationNanos() - inSitu.handlerNanos());
        }

        double gatewayKernelMicros() {
            return micros(io.kernelNanos() + function.kernelNanos());
        }

        boolean loadGeneratorMeasured() {
            return loadGenerator.isPresent();
        }

        double loadGeneratorMicros() {
            return micros(loadGenerator.map(ThreadCpu.Cpu::totalNanos).orElse(0L));
        }

        double processUserMicros() {
            return micros(process.map(ThreadCpu.Cpu::userNanos).orElse(0L));
        }

        double processKernelMicros() {
            return micros(process.map(ThreadCpu.Cpu::kernelNanos).orElse(0L));
        }
    }

    /** The latency of one page at a small and a large table: a page must not cost more as the table grows. */
    Report.Section paginationScaling() throws Exception {
        int small = smoke ? 100 : 1_000;
        int large = smoke ? 1_000 : 100_000;
        try (LocalStack stack = start(quietStreamHandler())) {
            load(stack, small);
            Stats atSmall = pageLatency(stack);
            load(stack, large - small);
            Stats atLarge = pageLatency(stack);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("page of 25 at " + small + " users (ms)", atSmall.toString());
            figures.put("page of 25 at " + large + " users (ms)", atLarge.toString());
            figures.put("ratio of medians", String.format("%.2f", atLarge.median() / atSmall.median()));
            return new Report.Section("pagination scaling", "large median <= 1.5 x small median", figures,
                    atLarge.median() <= 1.5 * atSmall.median(), "GET /users?limit=25 through the gateway, walking the pages with their cursors. The page is a Scan with Limit "
                            + "and ExclusiveStartKey, whose cost DynamoDB bills by what it reads (25 items), not by the table; "
                            + "the engine seeks to the cursor in its skip list.");
        }
    }

    /** From a write's 2xx to the stream handler receiving its record, through the local event source. */
    Report.Section streamLag() throws Exception {
        Map<String, Long> received = new ConcurrentHashMap<>();
        UserStreamHandler recording = new UserStreamHandler(change -> received.putIfAbsent(String.valueOf(change.keys().get("id")), System.nanoTime()),
                new JsonLines(new PrintStream(new ByteArrayOutputStream())));
        int writes = smoke ? 20 : 300;
        Map<String, Long> acknowledged = new HashMap<>();
        try (LocalStack stack = start(recording)) {
            for (int i = 0; i < writes; i++) {
                HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Lag " + i + "\",\"email\":\"lag@example.com\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long at = System.nanoTime();
                String location = created.headers().firstValue("Location").orElseThrow();
                acknowledged.put(location.substring(location.lastIndexOf('/') + 1), at);
                Thread.sleep(10);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!received.keySet().containsAll(acknowledged.keySet()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        List<Double> lags = new ArrayList<>();
        acknowledged.forEach((id, at) -> lags.add((received.getOrDefault(id, Long.MAX_VALUE) - at) / 1e6));
        Stats stats = Stats.of(lags);
        return new Report.Section("stream lag", "p99 <= 100 ms", Map.of("write 2xx to handler (ms)", stats.toString()), stats.p99() <= 100,
                "The local event source polls the engine's Streams API every " + LocalOptions.defaults().streamPollInterval().toMillis()
                        + " ms (the default of bin/local), as Lambda's event source mapping polls DynamoDB Streams four times a second; "
                        + "the lag is about half the interval on average, plus the handler.");
    }

    private static void load(LocalStack stack, int count) {
        List<WriteRequest> batch = new ArrayList<>();
        var ids = new dev.usersapi.model.UserIds(new java.security.SecureRandom());
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            String id = ids.newId(now - i);
            long createdAt = dev.usersapi.model.UserIds.keyOf(id).orElseThrow().createdAt();
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                    "id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN(Long.toString(createdAt)),
                    "updatedAt", AttributeValue.fromN(Long.toString(createdAt)), "version", AttributeValue.fromN("1"),
                    "name", AttributeValue.fromS("User " + i), "email", AttributeValue.fromS("user" + (i % 1000) + "@example.com"))).build()).build());
            if (batch.size() == 25 || i == count - 1) {
                List<WriteRequest> items = List.copyOf(batch);
                var response = stack.dynamoDb().batchWriteItem(write -> write.requestItems(Map.of("users", items)));
                while (response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()) {
                    var left = response.unprocessedItems();
                    response = stack.dynamoDb().batchWriteItem(write -> write.requestItems(left));
                }
                batch.clear();
            }
        }
    }

    private Stats pageLatency(LocalStack stack) throws Exception {
        List<Double> latencies = new ArrayList<>();
        String next = "/users?limit=25";
        for (int i = 0; i < (smoke ? 20 : 100); i++) {
            long started = System.nanoTime();
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve(next)).build(), HttpResponse.BodyHandlers.ofString());
            latencies.add((System.nanoTime() - started) / 1e6);
            String link = page.headers().firstValue("Link").orElse("");
            next = link.isEmpty() ? "/users?limit=25" : link.substring(1, link.indexOf('>'));
        }
        return Stats.of(latencies.subList(latencies.size() / 5, latencies.size()));
    }

    /** Requests per second against {@code uri}: by wrk when installed, else by Java's HttpClient in a closed loop. */
    private static double loadGenerator(URI uri, int connections, Duration duration) throws Exception {
        Optional<Double> byWrk = wrk(uri, connections, duration);
        if (byWrk.isPresent()) {
            return byWrk.get();
        }
        return closedLoop(connections, duration, () -> HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()));
    }

    private static boolean wrkInstalled() {
        try {
            return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor() >= 0;
        } catch (Exception notInstalled) {
            return false;
        }
    }

    /** Requests per second wrk measures, when wrk (Debian package wrk) is installed. */
    private static Optional<Double> wrk(URI uri, int connections, Duration duration) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s", uri.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException notInstalled) {
            return Optional.empty();
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor();
        var rate = java.util.regex.Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("wrk gave no rate: " + output);
        }
        return Optional.of(Double.parseDouble(rate.group(1)));
    }

    /**
     * Runs {@code round} (it returns a rate) until two rounds in a row agree within 5%, at most 20,
     * once in a smoke run; returns how many ran. C2 was still compiling the SDK after 12 s and the
     * gateway's path after 40 s: a fixed warm-up measured the JIT's progress.
     */
    static int untilSteady(boolean smoke, java.util.concurrent.Callable<Double> round) throws Exception {
        int rounds = 1;
        double previous = 0;
        double current = round.call();
        while (!smoke && rounds < 20 && Math.abs(current - previous) > 0.05 * current) {
            previous = current;
            current = round.call();
            rounds++;
        }
        return rounds;
    }

    /** Requests per second of a closed loop: each worker sends its next request when the last one answered. */
    static double closedLoop(int workers, Duration duration, java.util.concurrent.Callable<?> request) throws Exception {
        return measuredLoop(workers, duration, request).rate();
    }

    /** A closed loop's rate, its count of requests and the CPU its workers spent on them. */
    record Load(double rate, long requests, ThreadCpu.Cpu workers) {
        double microsPerRequest(long nanos) {
            return nanos / 1e3 / Math.max(1, requests);
        }
    }

    /** A closed loop, with each worker's own CPU (taken on the worker itself: its thread ends with the round). */
    static Load measuredLoop(int workers, Duration duration, java.util.concurrent.Callable<?> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicLong done = new AtomicLong();
        java.util.concurrent.atomic.LongAdder cpu = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder userCpu = new java.util.concurrent.atomic.LongAdder();
        long end = System.nanoTime() + duration.toNanos();
        for (int i = 0; i < workers; i++) {
            pool.submit(() -> {
                ThreadCpu.Cpu start = ThreadCpu.currentThread();
                while (System.nanoTime() < end) {
                    request.call();
                    done.incrementAndGet();
                }
                ThreadCpu.Cpu spent = ThreadCpu.currentThread().minus(start);
                cpu.add(spent.totalNanos());
                userCpu.add(spent.userNanos());
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(duration.toSeconds() + 30, TimeUnit.SECONDS);
        return new Load(done.get() / (duration.toNanos() / 1e9), done.get(), new ThreadCpu.Cpu(cpu.sum(), userCpu.sum()));
    }
}
