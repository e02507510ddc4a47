package dev.usersapi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A quick run of every benchmark, so the harness cannot rot. It checks that each measurement ran
 * and was written to the report; targets are for the full run (a 2-core shared machine gives no
 * timing a test could rely on).
 */
class BenchmarkSmokeTest {
    @Test
    void everyBenchmarkRunsAndIsReported() throws Exception {
        Benchmarks benchmarks = new Benchmarks(true);
        Path report = benchmarks.run();

        List<String> names = benchmarks.report().sections().stream().map(Report.Section::name).toList();
        assertEquals(List.of("cold start", "Lambda jar size", "capacity per route", "engine start to ready",
                "engine throughput", "engine at scale", "warm requests (JMH)", "local stack start-up to ready",
                "gateway overhead", "pagination scaling", "stream lag"), names);
        benchmarks.report().sections().forEach(section -> assertTrue(!section.figures().isEmpty(), section.name()));
        // The gateway's target is its own CPU per request, taken from its threads apart from the load generator's.
        var gateway = benchmarks.report().sections().stream().filter(section -> section.name().equals("gateway overhead")).findFirst().orElseThrow();
        assertTrue(gateway.figures().keySet().stream().anyMatch(figure -> figure.startsWith("gateway's own CPU")), gateway.figures().toString());
        assertTrue(gateway.target().contains("own CPU"), gateway.target());
        String markdown = Files.readString(report);
        assertTrue(markdown.contains("| cold start |") && markdown.contains("jdk:"));
        assertTrue(Files.exists(report.resolveSibling("report.json")));
    }
}
