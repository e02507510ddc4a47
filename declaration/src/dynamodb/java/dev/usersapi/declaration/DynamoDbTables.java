package dev.usersapi.declaration;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/** The DynamoDB API calls that create a declared table: what the local stack and the tests run. */
public final class DynamoDbTables {
    private DynamoDbTables() {}

    public static CreateTableRequest createTableRequest(TableDeclaration table, String tableName) {
        var request = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.fromValue(table.billingMode()))
                .attributeDefinitions(table.keyAttributes().stream()
                        .map(key -> AttributeDefinition.builder().attributeName(key.name()).attributeType(key.type()).build())
                        .toList())
                .keySchema(keySchema(table.partitionKey(), table.sortKey().orElse(null)))
                .deletionProtectionEnabled(table.deletionProtection());
        if (!table.globalSecondaryIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                    .map(index -> GlobalSecondaryIndex.builder()
                            .indexName(index.name())
                            .keySchema(keySchema(index.partitionKey(), index.sortKey().orElse(null)))
                            .projection(projection(index.projection()))
                            .build())
                    .toList());
        }
        if (!table.localSecondaryIndexes().isEmpty()) {
            request.localSecondaryIndexes(table.localSecondaryIndexes().stream()
                    .map(index -> LocalSecondaryIndex.builder()
                            .indexName(index.name())
                            .keySchema(keySchema(table.partitionKey(), index.sortKey()))
                            .projection(projection(index.projection()))
                            .build())
                    .toList());
        }
        table.streamViewType().ifPresent(view ->
                request.streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(view).build()));
        if (table.encryption().enabled()) {
            var sse = SSESpecification.builder().enabled(true);
            table.encryption().kmsKeyArn().ifPresent(key -> sse.sseType("KMS").kmsMasterKeyId(key));
            request.sseSpecification(sse.build());
        }
        return request.build();
    }

    /** TTL is a separate call after creation, as in the DynamoDB API itself. */
    public static java.util.Optional<UpdateTimeToLiveRequest> timeToLiveRequest(TableDeclaration table, String tableName) {
        return table.ttlAttribute().map(attribute -> UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(spec -> spec.enabled(true).attributeName(attribute))
                .build());
    }

    private static List<KeySchemaElement> keySchema(TableDeclaration.KeyAttribute hash, TableDeclaration.KeyAttribute range) {
        var hashKey = KeySchemaElement.builder().attributeName(hash.name()).keyType(KeyType.HASH).build();
        if (range == null) {
            return List.of(hashKey);
        }
        return List.of(hashKey, KeySchemaElement.builder().attributeName(range.name()).keyType(KeyType.RANGE).build());
    }

    private static Projection projection(TableDeclaration.Projection projection) {
        var builder = Projection.builder().projectionType(projection.type());
        if (!projection.nonKeyAttributes().isEmpty()) {
            builder.nonKeyAttributes(projection.nonKeyAttributes());
        }
        return builder.build();
    }
}
