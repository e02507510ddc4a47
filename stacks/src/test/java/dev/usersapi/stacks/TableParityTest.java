package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pulumi.aws.dynamodb.Table;
import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/** The table the program declares and the table the local stack creates from the same file are the same table. */
class TableParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void cloudAndLocalTablesHaveTheSameKeysIndexesAndStream(String stack) {
        Table cloud = StackRuns.of(stack).named(Table.class, "users");
        CreateTableRequest local = DynamoDbTables.createTableRequest(StackFile.load(ProjectLayout.current(), stack).table(), "users");

        assertEquals(keys(local.keySchema()), Map.of("HASH", value(cloud.hashKey()), "RANGE", value(cloud.rangeKey()).orElseThrow()));
        assertEquals(local.attributeDefinitions().stream().collect(Collectors.toMap(a -> a.attributeName(), a -> a.attributeTypeAsString())),
                value(cloud.attributes()).stream().collect(Collectors.toMap(a -> a.name(), a -> a.type())));
        var cloudGsi = value(cloud.globalSecondaryIndexes()).orElseThrow();
        assertEquals(local.globalSecondaryIndexes().size(), cloudGsi.size());
        for (int i = 0; i < cloudGsi.size(); i++) {
            var localGsi = local.globalSecondaryIndexes().get(i);
            assertEquals(localGsi.indexName(), cloudGsi.get(i).name());
            assertEquals(keys(localGsi.keySchema()).get("HASH"), cloudGsi.get(i).hashKey());
            assertEquals(localGsi.projection().projectionTypeAsString(), cloudGsi.get(i).projectionType());
        }
        var cloudLsi = value(cloud.localSecondaryIndexes()).orElseThrow();
        assertEquals(local.localSecondaryIndexes().size(), cloudLsi.size());
        for (int i = 0; i < cloudLsi.size(); i++) {
            var localLsi = local.localSecondaryIndexes().get(i);
            assertEquals(localLsi.indexName(), cloudLsi.get(i).name());
            assertEquals(keys(localLsi.keySchema()).get("RANGE"), cloudLsi.get(i).rangeKey());
            assertEquals(localLsi.projection().projectionTypeAsString(), cloudLsi.get(i).projectionType());
        }
        assertEquals(local.streamSpecification().streamViewTypeAsString(), value(cloud.streamViewType()));
        assertEquals(local.billingModeAsString(), value(cloud.billingMode()).orElseThrow());
    }

    private static Map<String, String> keys(java.util.List<KeySchemaElement> schema) {
        return schema.stream().collect(Collectors.toMap(KeySchemaElement::keyTypeAsString, KeySchemaElement::attributeName));
    }
}
