package dev.usersapi.bench;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold start of the API function, in fresh JVMs with Lambda's flags and only a Lambda jar
 * and the probe classes on the class path, against the engine on loopback: the three HTTP
 * clients, each in a jar of its own, side by side in every round (the machine is shared and
 * noisy, so variants interleave and the figures are medians), under JDK 17 and, where installed,
 * JDK 25, with a hello-world JVM as the floor of each.
 */
final class ColdStartBenchmark {
    static final String LAMBDA_FLAGS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    static final double TARGET_MS = 600;
    /** Where a JDK 25 is looked for; {@code -Dusers-api.jdk25=DIR} names another. */
    static final Path JDK25 = Path.of(System.getProperty("users-api.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private static final Pattern PROBE = Pattern.compile(
            "init_ms=([\\d.]+) create_ms=([\\d.]+) list_ms=([\\d.]+) create_status=(\\d+) list_status=(\\d+) cpu_ms=([\\d.]+)");
    private static final Pattern STEP = Pattern.compile("(\\w+)_ms=([\\d.]+)");

    /** How many rounds: a smoke pass (one of each, the shipped client alone where it can be), or warm-ups and measured rounds. */
    record Rounds(int warmUps, int measured, boolean smoke) {}

    /** A JVM to run probes in. */
    record Jdk(String name, Path java) {
        static Jdk current() {
            return new Jdk("java " + Runtime.version().feature(), Path.of(System.getProperty("java.home"), "bin", "java"));
        }

        static Optional<Jdk> at(Path home) {
            Path java = home.resolve("bin/java");
            return Files.isExecutable(java) ? Optional.of(new Jdk("java 25", java)) : Optional.empty();
        }
    }

    private record Run(double millis, String output) {}

    private final Path shipped;
    private final Path probes;
    private final Rounds rounds;
    private final Map<String, String> environment;

    ColdStartBenchmark(Path shipped, Rounds rounds, Map<String, String> environment) {
        this.shipped = shipped;
        this.rounds = rounds;
        this.environment = environment;
        try {
            this.probes = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The HTTP client the shipped jar holds. */
    static HttpClientKind shippedClient(Path jar) throws IOException {
        Map<HttpClientKind, String> markers = Map.of(HttpClientKind.APACHE5, "software/amazon/awssdk/http/apache5/",
                HttpClientKind.URL_CONNECTION, "software/amazon/awssdk/http/urlconnection/", HttpClientKind.AWS_CRT, "software/amazon/awssdk/http/crt/");
        List<HttpClientKind> inside = new ArrayList<>();
        for (var marker : markers.entrySet()) {
            if (LambdaJars.compressedBytes(jar, marker.getValue()) > 0) {
                inside.add(marker.getKey());
            }
        }
        if (inside.size() != 1) {
            throw new IllegalStateException("the Lambda jar should hold exactly one HTTP client, it holds " + inside);
        }
        return inside.get(0);
    }

    Report.Section measure(Path work) throws Exception {
        HttpClientKind chosen = shippedClient(shipped);
        Map<HttpClientKind, LambdaJars.Variant> jars = LambdaJars.build(shipped, work);
        Jdk jdk17 = Jdk.current();
        Optional<Jdk> jdk25 = Jdk.at(JDK25);
        List<HttpClientKind> clients = rounds.smoke() ? List.of(chosen) : List.of(HttpClientKind.values());
        Map<String, List<Double>> process = new LinkedHashMap<>();
        Map<String, List<Double>> init = new LinkedHashMap<>();
        Map<String, List<Double>> firstRequest = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> steps = new LinkedHashMap<>();
        for (int round = 0; round < rounds.warmUps() + rounds.measured(); round++) {
            boolean counted = round >= rounds.warmUps();
            List<HttpClientKind> order = new ArrayList<>(rounds.smoke() ? List.of(HttpClientKind.values()) : clients);
            Collections.rotate(order, round);
            List<Jdk> jdks = new ArrayList<>(List.of(jdk17));
            jdk25.ifPresent(jdks::add);
            for (Jdk jdk : jdks) {
                Run hello = run(jdk, probes.toString(), HelloProbe.class, List.of());
                record(process, counted, jdk.name() + ", hello world", hello.millis());
                for (HttpClientKind client : order) {
                    // Every client under JDK 17; under 25 the shipped one, which is what the runtime decides for.
                    // The smoke pass starts each client's jar once, and primes only the shipped one.
                    if (jdk != jdk17 && client != chosen) {
                        continue;
                    }
                    String label = jdk.name() + ", " + client.artifact();
                    probe(jdk, jars.get(client), List.of(client.artifact()), label, counted, process, init, firstRequest, cpu);
                    if (!rounds.smoke() || (client == chosen && jdk == jdk17)) {
                        probe(jdk, jars.get(client), List.of(client.artifact(), "primed"), label + ", primed", counted, process, init, firstRequest, cpu);
                    }
                }
            }
            for (HttpClientKind client : clients) {
                Run breakdown = run(jdk17, classPath(jars.get(client)), InitBreakdownProbe.class, List.of(client.artifact()));
                Matcher step = STEP.matcher(breakdown.output());
                while (counted && step.find()) {
                    steps.computeIfAbsent(client.artifact(), key -> new LinkedHashMap<>())
                            .computeIfAbsent(step.group(1), key -> new ArrayList<>()).add(Double.parseDouble(step.group(2)));
                }
            }
        }
        Map<String, List<Double>> warm = new LinkedHashMap<>();
        if (!rounds.smoke()) {
            for (int i = 0; i < 2; i++) {
                for (HttpClientKind client : clients) {
                    Run run = run(jdk17, classPath(jars.get(client)), WarmCallProbe.class, List.of(client.artifact(), "300", "300"));
                    Matcher figure = Pattern.compile("warm_get_us=([\\d.]+)").matcher(run.output());
                    if (!figure.find()) {
                        throw new IllegalStateException("the warm probe failed: " + run.output());
                    }
                    warm.computeIfAbsent(client.artifact(), key -> new ArrayList<>()).add(Double.parseDouble(figure.group(1)));
                }
            }
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("shipped HTTP client", chosen.artifact());
        for (var row : process.entrySet()) {
            figures.put(row.getKey() + ": whole process (ms)", Stats.of(row.getValue()).toString());
            if (init.containsKey(row.getKey())) {
                figures.put(row.getKey() + ": init (ms)", Stats.of(init.get(row.getKey())).toString());
                figures.put(row.getKey() + ": first request, the create (ms)", Stats.of(firstRequest.get(row.getKey())).toString());
                figures.put(row.getKey() + ": CPU of the process until the list answered (ms)", Stats.of(cpu.get(row.getKey())).toString());
            }
        }
        steps.forEach((client, byStep) -> {
            StringJoiner medians = new StringJoiner(", ");
            byStep.forEach((step, values) -> medians.add(String.format("%s %.1f", step, Stats.of(values).median())));
            figures.put(jdk17.name() + ", " + client + ": init steps, medians (ms)", medians.toString());
        });
        warm.forEach((client, values) -> figures.put(jdk17.name() + ", " + client + ": warm GET /users/{id}, median of 300 (us)",
                String.format("%.0f (runs: %s)", Stats.of(values).median(), values.stream().map(v -> String.format("%.0f", v)).toList())));
        for (HttpClientKind client : clients) {
            LambdaJars.Variant variant = jars.get(client);
            figures.put(client.artifact() + ": jar, deployed to arm64 (MB)", String.format("%.2f%s", variant.deployedBytes() / 1e6,
                    client == HttpClientKind.AWS_CRT ? String.format(" (with the linux arm64 native library; %.2f with this machine's)",
                            Files.size(variant.jar()) / 1e6) : ""));
        }
        if (jdk25.isEmpty()) {
            figures.put("java 25", "no JDK 25 at " + JDK25 + ": its rows are skipped");
        }
        String shippedRow = jdk17.name() + ", " + chosen.artifact();
        double median = Stats.of(process.get(shippedRow)).median();
        return new Report.Section("cold start", "whole process of the shipped jar, " + jdk17.name() + ": median <= " + (int) TARGET_MS
                + " ms; the other clients and java 25 beside it", figures, median <= TARGET_MS,
                "Fresh JVMs with Lambda's flags (" + LAMBDA_FLAGS + "), only a Lambda jar and the probe classes on the class path, against "
                        + "the engine on loopback. Whole process: JVM start, the handler's init as its no-arg constructor does it, one "
                        + "create, one list, exit. Each client's jar is the shipped jar with its HTTP client swapped "
                        + "(bench/README.md). Priming runs the SnapStart hook inside init, as the checkpoint would: under SnapStart "
                        + "that init is paid once, before the snapshot. " + (rounds.smoke() ? "Smoke pass: one round."
                        : rounds.measured() + " measured rounds after " + rounds.warmUps() + " warm-up, variants interleaved, "
                        + "the client order rotated every round."));
    }

    private void probe(Jdk jdk, LambdaJars.Variant jar, List<String> arguments, String label, boolean counted,
                       Map<String, List<Double>> process, Map<String, List<Double>> init, Map<String, List<Double>> firstRequest,
                       Map<String, List<Double>> cpu) throws Exception {
        Run run = run(jdk, classPath(jar), ColdStartProbe.class, arguments);
        Matcher probe = PROBE.matcher(run.output());
        if (!probe.find() || !probe.group(4).equals("201") || !probe.group(5).equals("200")) {
            throw new IllegalStateException("the cold-start probe failed (" + label + "): " + run.output());
        }
        record(process, counted, label, run.millis());
        record(init, counted, label, Double.parseDouble(probe.group(1)));
        record(firstRequest, counted, label, Double.parseDouble(probe.group(2)));
        record(cpu, counted, label, Double.parseDouble(probe.group(6)));
    }

    private static void record(Map<String, List<Double>> figures, boolean counted, String label, double value) {
        if (counted) {
            figures.computeIfAbsent(label, key -> new ArrayList<>()).add(value);
        }
    }

    private String classPath(LambdaJars.Variant jar) {
        return jar.jar() + File.pathSeparator + probes;
    }

    private Run run(Jdk jdk, String classPath, Class<?> main, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.java().toString()));
        command.addAll(List.of(LAMBDA_FLAGS.split(" ")));
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = child.waitFor();
        double millis = (System.nanoTime() - started) / 1e6;
        if (exit != 0) {
            throw new IllegalStateException(main.getSimpleName() + " " + arguments + " under " + jdk.name() + " exited " + exit + ": " + output);
        }
        return new Run(millis, output);
    }
}
