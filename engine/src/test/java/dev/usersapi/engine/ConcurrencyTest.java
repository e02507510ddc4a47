package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads on one item: conditional writes are atomic, and none is lost or doubled. */
class ConcurrencyTest {
    private static final int THREADS = 16;

    private static DynamoDbEngine engineWithCounter() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
        Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"counter\"},\"n\":{\"N\":\"0\"},\"version\":{\"N\":\"0\"}}}");
        return engine;
    }

    private static <T> List<T> race(Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();
        return results;
    }

    @Test
    void optimisticUpdatesRacingOnOneItemLoseNoIncrement() throws Exception {
        DynamoDbEngine engine = engineWithCounter();
        AtomicInteger conflicts = new AtomicInteger();
        int perThread = 200;
        race(() -> {
            for (int done = 0; done < perThread; ) {
                int seen = Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"counter\"}},\"ConsistentRead\":true}")
                        .body().path("Item").path("version").path("N").asInt();
                int status = Tables.call(engine, "UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"counter\"}},"
                        + "\"UpdateExpression\":\"SET n = n + :one, version = version + :one\",\"ConditionExpression\":\"version = :seen\","
                        + "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"},\":seen\":{\"N\":\"" + seen + "\"}}}").status();
                if (status == 200) {
                    done++;
                } else {
                    conflicts.incrementAndGet();
                }
            }
            return null;
        });
        var item = Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"counter\"}}}").body().path("Item");
        assertEquals(THREADS * perThread, item.path("n").path("N").asInt(), "every successful conditional update counted once");
        assertEquals(THREADS * perThread, item.path("version").path("N").asInt());
        System.out.println("concurrency: " + THREADS * perThread + " increments, " + conflicts.get() + " conditional conflicts retried");
    }

    @Test
    void ofWritersCreatingTheSameItemExactlyOneSucceeds() throws Exception {
        DynamoDbEngine engine = engineWithCounter();
        for (int round = 0; round < 100; round++) {
            String id = "new-" + round;
            List<Integer> statuses = race(() -> Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"" + id
                    + "\"},\"by\":{\"S\":\"" + Thread.currentThread().getName() + "\"}},\"ConditionExpression\":\"attribute_not_exists(id)\"}").status());
            assertEquals(1, statuses.stream().filter(status -> status == 200).count(), "round " + round + ": " + statuses);
        }
    }

    @Test
    void atomicAddsFromManyThreadsSumExactly() throws Exception {
        DynamoDbEngine engine = engineWithCounter();
        race(() -> {
            for (int i = 0; i < 500; i++) {
                Tables.call(engine, "UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"counter\"}},\"UpdateExpression\":\"ADD n :one\","
                        + "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}");
            }
            return null;
        });
        assertEquals(THREADS * 500, Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"counter\"}}}")
                .body().path("Item").path("n").path("N").asInt());
    }
}
