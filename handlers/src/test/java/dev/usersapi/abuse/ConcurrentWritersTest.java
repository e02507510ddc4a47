package dev.usersapi.abuse;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many writers on one user, each through the handler, against the engine's conditional writes. */
class ConcurrentWritersTest {
    private static final int WRITERS = 8;
    private static final int ATTEMPTS_EACH = 15;

    private final ApiFixture fixture = new ApiFixture();

    @Test
    void optimisticUpdatesEitherApplyOrGet412AndNoAcknowledgedUpdateIsLost() throws Exception {
        String id = fixture.createUser("{\"name\":\"Contended\",\"email\":\"c@example.com\",\"age\":0}");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger conflicts = new AtomicInteger();
        List<Callable<Void>> writers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int writer = 0; writer < WRITERS; writer++) {
            int w = writer;
            writers.add(() -> {
                start.await();
                for (int attempt = 0; attempt < ATTEMPTS_EACH; attempt++) {
                    APIGatewayV2HTTPResponse read = fixture.send(request("GET", "/users/" + id));
                    String etag = read.getHeaders().get("ETag");
                    String name = "w" + w + "-" + attempt;
                    APIGatewayV2HTTPResponse update = fixture.send(request("PATCH", "/users/" + id)
                            .header("If-Match", etag).json("{\"name\":\"" + name + "\"}"));
                    if (update.getStatusCode() == 200) {
                        acknowledged.add(name + "@" + update.getHeaders().get("ETag"));
                    } else {
                        assertEquals(412, update.getStatusCode(), update.getBody());
                        conflicts.incrementAndGet();
                    }
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            writers.forEach(writer -> done.add(pool.submit(writer)));
            start.countDown();
            for (Future<Void> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        long version = Json.parse(fixture.send(request("GET", "/users/" + id)).getBody()).get("version").asLong();
        assertEquals(1 + acknowledged.size(), version, "the version counts exactly the acknowledged updates");
        assertEquals(WRITERS * ATTEMPTS_EACH, acknowledged.size() + conflicts.get());
        Set<String> etags = ConcurrentHashMap.newKeySet();
        acknowledged.forEach(entry -> assertTrue(etags.add(entry.substring(entry.indexOf('@'))), "two updates acknowledged one version"));
        System.out.printf("concurrent writers: %d updates acknowledged, %d conflicts answered 412%n", acknowledged.size(), conflicts.get());
    }

    @Test
    void concurrentDeleteAndUpdateNeverResurrectAUser() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = fixture.createUser("{\"name\":\"Doomed\",\"email\":\"d@example.com\"}");
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> delete = pool.submit(() -> {
                    start.await();
                    return fixture.send(request("DELETE", "/users/" + id)).getStatusCode();
                });
                Future<Integer> update = pool.submit(() -> {
                    start.await();
                    return fixture.send(request("PATCH", "/users/" + id).json("{\"name\":\"Alive\"}")).getStatusCode();
                });
                start.countDown();
                assertEquals(204, delete.get());
                assertTrue(Set.of(200, 404).contains(update.get()));
            } finally {
                pool.shutdownNow();
            }
            assertEquals(404, fixture.send(request("GET", "/users/" + id)).getStatusCode(), "an update after a delete recreates nothing");
        }
        assertEquals(0, fixture.storedItems());
    }

    @Test
    void concurrentDeletesOfOneUserSucceedOnce() throws Exception {
        String id = fixture.createUser("{\"name\":\"Once\",\"email\":\"o@example.com\"}");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> deletes = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                deletes.add(pool.submit(() -> {
                    start.await();
                    return fixture.send(request("DELETE", "/users/" + id)).getStatusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> delete : deletes) {
                statuses.add(delete.get());
            }
            assertEquals(1, statuses.stream().filter(status -> status == 204).count());
            assertEquals(WRITERS - 1, statuses.stream().filter(status -> status == 404).count());
        } finally {
            pool.shutdownNow();
        }
    }
}
