package dev.usersapi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shaded Lambda jar works on its own: the jar that ships is the jar that is tested. */
class LambdaJarTest {
    @Test
    void theShippedJarServesEveryRouteAndTheStream() throws Exception {
        Benchmarks.ProbeRun run = new Benchmarks(true).runInLambdaJvm(LambdaJarProbe.class);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("checks passed"), run.output());
    }
}
