package dev.usersapi.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What of the shipped Lambda jar a cold start loads: the jar probe (both handlers, every route,
 * the priming hook, a stream batch) run with the JVM's class-loading log, against the classes the
 * jar holds, grouped by library. A library none of whose classes load is dead weight in every
 * cold start's download and unpacking: the build should exclude it.
 */
record ClassLoadCoverage(int classesInJar, Set<String> loaded, List<String> unloadedLibraries, String probeOutput, int probeExit) {
    private static final Set<String> HTTP_CLIENT_PACKAGES = Set.of("apache5", "urlconnection", "crt");

    static ClassLoadCoverage of(Benchmarks benchmarks) throws Exception {
        Path log = Files.createTempFile("class-load", ".log");
        try {
            Benchmarks.ProbeRun run = benchmarks.runInLambdaJvm(LambdaJarProbe.class, "-Xlog:class+load=info:file=" + log);
            Path jar = benchmarks.lambdaJar();
            String source = "source: " + jar.toUri().toString().replaceFirst("^file:///", "file:/");
            Set<String> loaded = Files.readAllLines(log).stream()
                    .filter(line -> line.endsWith(source) || line.endsWith(jar.toString()))
                    .map(line -> line.substring(line.indexOf("] ", line.indexOf("[class,load]")) + 2, line.indexOf(" source: ")))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> inJar = LambdaJars.classNames(jar);
            Set<String> loadedLibraries = loaded.stream().map(ClassLoadCoverage::library).collect(Collectors.toSet());
            List<String> unloaded = inJar.stream().map(ClassLoadCoverage::library).distinct()
                    .filter(library -> !loadedLibraries.contains(library)).sorted().toList();
            return new ClassLoadCoverage(inJar.size(), loaded, unloaded, run.output(), run.exitCode());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The library a class belongs to, by its package: an SDK module ({@code software.amazon.awssdk.<module>},
     * each HTTP client and the DynamoDB Streams client apart), the Lambda runtime's core or its events, else the
     * package's first three names ({@code org.*}: two, the project).
     */
    static String library(String className) {
        List<String> names = Arrays.asList(className.split("\\."));
        List<String> packageNames = names.subList(0, names.size() - 1);
        int depth;
        if (className.startsWith("software.amazon.awssdk.services.dynamodb.streams.")) {
            depth = 6;
        } else if (className.startsWith("software.amazon.awssdk.services.")
                || className.startsWith("software.amazon.awssdk.http.") && packageNames.size() > 4 && HTTP_CLIENT_PACKAGES.contains(packageNames.get(4))) {
            depth = 5;
        } else if (className.startsWith("software.amazon.awssdk.")) {
            depth = 4;
        } else if (className.startsWith("com.amazonaws.services.lambda.runtime.events.")) {
            depth = 6;
        } else if (className.startsWith("com.amazonaws.services.lambda.runtime.")) {
            depth = 5;
        } else {
            depth = className.startsWith("org.") ? 2 : 3;
        }
        return String.join(".", packageNames.subList(0, Math.min(depth, packageNames.size())));
    }

}
