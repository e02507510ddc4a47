package dev.usersapi.local;

import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.TableDeclaration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Creates the declared table where the stack runs, once: a restart finds it and keeps its data. */
final class LocalTables {
    private LocalTables() {}

    static TableDescription ensure(DynamoDbClient dynamo, TableDeclaration table, String name) {
        try {
            return dynamo.describeTable(describe -> describe.tableName(name)).table();
        } catch (ResourceNotFoundException absent) {
            dynamo.createTable(DynamoDbTables.createTableRequest(table, name));
            // DynamoDB creates a table in the background and refuses its TTL and backups settings until it is ACTIVE.
            dynamo.waiter().waitUntilTableExists(describe -> describe.tableName(name));
            DynamoDbTables.timeToLiveRequest(table, name).ifPresent(dynamo::updateTimeToLive);
            if (table.pointInTimeRecovery()) {
                dynamo.updateContinuousBackups(backups -> backups.tableName(name)
                        .pointInTimeRecoverySpecification(pitr -> pitr.pointInTimeRecoveryEnabled(true)));
            }
            return dynamo.describeTable(describe -> describe.tableName(name)).table();
        }
    }

    /** What the declaration asks for that the local engine does not do, said once rather than dropped silently. */
    static List<String> notEmulated(TableDeclaration table, java.time.Duration expiryInterval) {
        List<String> notes = new ArrayList<>();
        if (table.pointInTimeRecovery()) {
            notes.add("point-in-time recovery: recorded by the local engine (DescribeContinuousBackups says ENABLED), no backups are kept");
        }
        if (table.encryption().enabled()) {
            notes.add("not emulated locally: server-side encryption" + table.encryption().kmsKeyArn().map(key -> " with " + key).orElse("")
                    + " (the engine's files are not encrypted); the cloud stack enables it");
        }
        if (table.ttlAttribute().isPresent()) {
            notes.add("time to live on " + table.ttlAttribute().get() + ": the engine removes expired users every "
                    + expiryInterval.toSeconds() + " s (DynamoDB: within days), each with a REMOVE record marked as the service's");
        }
        return notes;
    }
}
