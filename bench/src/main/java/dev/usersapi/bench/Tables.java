package dev.usersapi.bench;

import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Raw DynamoDB JSON for the benchmarks that measure the engine without the SDK. */
final class Tables {
    private Tables() {}

    /** The dev stack's tables, created through the SDK's own marshalling of the program's requests, then run raw. */
    static void createDev(DynamoDbEngine engine, StackFile dev) {
        try (var client = EngineBenchmarks.inProcess(engine)) {
            client.createTable(DynamoDbTables.createTableRequest(dev.table(), "users"));
            client.createTable(DynamoDbTables.createTableRequest(dev.idempotencyTable(), "idempotency-keys"));
        }
    }

    static String putJson(Map<String, AttributeValue> item) {
        return "{\"TableName\":\"users\",\"Item\":" + json(item) + "}";
    }

    static String keyJson(Map<String, AttributeValue> item) {
        return json(Map.of("id", item.get("id"), "createdAt", item.get("createdAt")));
    }

    private static String json(Map<String, AttributeValue> item) {
        StringBuilder json = new StringBuilder("{");
        item.forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(name).append("\":");
            json.append(value.s() != null ? "{\"S\":\"" + value.s() + "\"}" : "{\"N\":\"" + value.n() + "\"}");
        });
        return json.append('}').toString();
    }
}
