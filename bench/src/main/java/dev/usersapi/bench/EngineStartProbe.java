package dev.usersapi.bench;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Run in a fresh JVM: constructs the engine and times it to its first answers. */
public final class EngineStartProbe {
    public static void main(String[] args) {
        long started = System.nanoTime();
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        var created = engine.handle(DynamoDbEngine.TARGET_PREFIX + "CreateTable", ("{\"TableName\":\"users\",\"AttributeDefinitions\":"
                + "[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
                + "\"BillingMode\":\"PAY_PER_REQUEST\"}").getBytes(StandardCharsets.UTF_8));
        var read = engine.handle(DynamoDbEngine.TARGET_PREFIX + "GetItem",
                "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}}}".getBytes(StandardCharsets.UTF_8));
        double millis = (System.nanoTime() - started) / 1e6;
        if (created.status() != 200 || read.status() != 200) {
            throw new IllegalStateException("the engine did not answer: " + created.status() + ", " + read.status());
        }
        System.out.printf("ready_ms=%.1f%n", millis);
    }
}
