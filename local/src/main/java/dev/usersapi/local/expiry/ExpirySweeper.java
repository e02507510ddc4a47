package dev.usersapi.local.expiry;

import dev.usersapi.declaration.TableDeclaration;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Time to live, done locally: removes items whose TTL attribute (epoch seconds) has passed,
 * each with a conditional delete so an item whose expiry moved meanwhile stays. It runs on the
 * clock the local stack is given, so tests reach expiry without waiting.
 * The deletions it makes are remembered so the stream marks their REMOVE records as TTL
 * deletions, as DynamoDB does (userIdentity: Service, dynamodb.amazonaws.com).
 */
public final class ExpirySweeper {
    private final DynamoDbClient dynamo;
    private final String tableName;
    private final TableDeclaration table;
    private final String ttlAttribute;
    private final Clock clock;
    private final Set<Map<String, AttributeValue>> removedByTtl = ConcurrentHashMap.newKeySet();

    public ExpirySweeper(DynamoDbClient dynamo, String tableName, TableDeclaration table, Clock clock) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.table = table;
        this.ttlAttribute = table.ttlAttribute().orElseThrow(() -> new IllegalArgumentException("the table declares no TTL attribute"));
        this.clock = clock;
    }

    /** Removes every expired item; returns how many. */
    public int sweep() {
        var now = AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond()));
        Map<String, String> names = Map.of("#ttl", ttlAttribute);
        int removed = 0;
        Map<String, String> keyNames = new java.util.HashMap<>(names);
        keyNames.put("#pk", table.partitionKey().name());
        table.sortKey().ifPresent(key -> keyNames.put("#sk", key.name()));
        String keyProjection = table.sortKey().isPresent() ? "#pk, #sk" : "#pk";
        var pages = dynamo.scanPaginator(scan -> scan.tableName(tableName)
                .filterExpression("#ttl <= :now")
                .projectionExpression(keyProjection)
                .expressionAttributeNames(keyNames)
                .expressionAttributeValues(Map.of(":now", now)));
        for (var item : pages.items()) {
            Map<String, AttributeValue> key = Map.copyOf(item);
            removedByTtl.add(key);
            try {
                dynamo.deleteItem(delete -> delete.tableName(tableName).key(key)
                        .conditionExpression("#ttl <= :now")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":now", now)));
                removed++;
            } catch (ConditionalCheckFailedException renewedOrGone) {
                removedByTtl.remove(key);
            }
        }
        return removed;
    }

    /** True, once, for the REMOVE record of an item this sweeper deleted. */
    public boolean isTimeToLiveDeletion(Record record) {
        return record.eventName() == OperationType.REMOVE && removedByTtl.remove(Map.copyOf(record.dynamodb().keys()));
    }
}
