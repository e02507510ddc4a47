package dev.usersapi.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack, as its own process, killed with SIGKILL in the middle of a write load and
 * started again on the same data: every write that got a 2xx is there, and the stream, resumed
 * from its checkpoint, delivers every acknowledged change (at least once) across the two runs.
 */
class CrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int ROUNDS = Integer.getInteger("soak.rounds", 1);

    @TempDir
    Path data;

    /** A local stack in a process of its own, its standard output collected line by line. */
    private static final class StackProcess {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile URI baseUrl;

        StackProcess(Path data) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    LocalStack.class.getName(), "--port", "0", "--data-dir", data.toString(), "--stream-poll-ms", "50")
                    .redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        output.add(line);
                        if (line.startsWith("  API:")) {
                            baseUrl = URI.create(line.substring("  API:".length()).trim());
                        }
                    }
                } catch (java.io.IOException ended) {
                    // the process is gone
                }
            }, "local-stack-output");
            reader.setDaemon(true);
            reader.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> baseUrl != null || !process.isAlive());
            assertTrue(process.isAlive(), () -> "the local stack did not start: " + output);
        }

        Set<String> insertedIds() {
            Set<String> ids = new HashSet<>();
            for (String line : output) {
                if (line.startsWith("{") && line.contains("\"INSERT\"")) {
                    try {
                        var change = JSON.readTree(line);
                        if ("INSERT".equals(change.path("event").asText())) {
                            ids.add(change.path("keys").path("id").asText());
                        }
                    } catch (java.io.IOException notAChangeLine) {
                        // a line of other output that merely looks alike
                    }
                }
            }
            return ids;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void acknowledgedWritesAndTheirChangesSurviveSigkill() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> delivered = new HashSet<>();
        int crashes = 0;
        for (int round = 0; round < ROUNDS; round++) {
            StackProcess stack = new StackProcess(data);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            int before = acknowledged.size();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            for (int w = 0; w < 4; w++) {
                writers.submit(() -> {
                    while (writing.get()) {
                        int n = sent.incrementAndGet();
                        try {
                            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stack.baseUrl.resolve("/users"))
                                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Load " + n + "\",\"email\":\"load@example.com\"}"))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 201) {
                                acknowledged.add(JSON.readTree(response.body()).get("id").asText());
                            }
                        } catch (Exception killed) {
                            // the process died under this request: it was never acknowledged
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 150);
            stack.process.destroyForcibly();
            stack.process.waitFor();
            // What the process printed before it died may still be in the pipe: read it to its end first.
            stack.reader.join(Duration.ofSeconds(30).toMillis());
            crashes++;
            writing.set(false);
            writers.shutdown();
            writers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            delivered.addAll(stack.insertedIds());
        }

        StackProcess restarted = new StackProcess(data);
        try {
            for (String id : acknowledged) {
                HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(restarted.baseUrl.resolve("/users/" + id)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, read.statusCode(), () -> "acknowledged user " + id + " was lost");
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    Set<String> all = new HashSet<>(delivered);
                    all.addAll(restarted.insertedIds());
                    return all.containsAll(acknowledged);
                });
            } catch (org.awaitility.core.ConditionTimeoutException undelivered) {
                // Seen once in a fresh-clone run and not since: what is missing, and what the event source said.
                Set<String> missing = new HashSet<>(acknowledged);
                missing.removeAll(delivered);
                missing.removeAll(restarted.insertedIds());
                throw new AssertionError(missing.size() + " acknowledged change(s) never delivered: " + missing
                        + "; the killed stack delivered " + delivered.size() + ", the restarted one " + restarted.insertedIds().size()
                        + "; the restarted stack's own lines: " + restarted.output.stream().filter(line -> !line.startsWith("{")).toList()
                        + "; checkpoints: " + readQuietly(data.resolve("stream-checkpoints.json")), undelivered);
            }
        } finally {
            restarted.process.destroy();
            restarted.process.waitFor();
        }
        System.out.printf("crash recovery: %d crash(es) survived, %d acknowledged writes, 0 lost, every change delivered%n",
                crashes, acknowledged.size());
    }
}
