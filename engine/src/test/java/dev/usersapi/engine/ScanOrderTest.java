package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scan walks partitions in the order of their keys' hashes, as DynamoDB's does, and that order
 * must not change from one version of the engine to the next: a client paging with a
 * LastEvaluatedKey across an upgrade of the local stack would otherwise skip or repeat items.
 */
class ScanOrderTest {
    @Test
    void aScanWalksPartitionsInTheSameOrderInEveryVersion() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
        for (String id : List.of("a", "b", "c", "d", "e", "f", "g", "h", "01a21446-0000-7000-8000-000000000001", "ünïcode")) {
            Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"" + id + "\"}}}");
        }
        List<String> order = new ArrayList<>();
        Tables.call(engine, "Scan", "{\"TableName\":\"users\"}").body().path("Items").forEach(item -> order.add(item.path("id").path("S").asText()));
        assertEquals(List.of("h", "f", "g", "e", "a", "ünïcode", "b", "d", "01a21446-0000-7000-8000-000000000001", "c"), order);
    }
}
