package dev.usersapi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jar works on its own: the jar that ships is the jar that is tested. Its run
 * keeps the JVM's class-loading log, so a library the functions never load cannot come back into
 * the jar unnoticed (each one costs every cold start its download and unpacking).
 */
class LambdaJarTest {
    @Test
    void theShippedJarServesEveryRouteAndTheStreamAndHoldsNothingTheyDoNotLoad() throws Exception {
        ClassLoadCoverage coverage = ClassLoadCoverage.of(new Benchmarks(true));
        assertEquals(0, coverage.probeExit(), coverage.probeOutput());
        assertTrue(coverage.probeOutput().contains("checks passed"), coverage.probeOutput());
        assertEquals(List.of(), coverage.unloadedLibraries(), "libraries in the Lambda jar that no cold path loads");
    }
}
