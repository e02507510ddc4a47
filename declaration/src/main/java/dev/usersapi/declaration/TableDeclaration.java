package dev.usersapi.declaration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The users table as one stack file declares it (config key {@code users-api:table}).
 * Everything that creates a table, in the cloud or locally, starts from this record.
 */
public record TableDeclaration(
        KeyAttribute partitionKey,
        Optional<KeyAttribute> sortKey,
        String billingMode,
        Optional<String> ttlAttribute,
        Optional<Duration> retention,
        boolean pointInTimeRecovery,
        boolean deletionProtection,
        Encryption encryption,
        Optional<String> streamViewType,
        List<GlobalIndex> globalSecondaryIndexes,
        List<LocalIndex> localSecondaryIndexes) {

    public TableDeclaration {
        globalSecondaryIndexes = List.copyOf(globalSecondaryIndexes);
        localSecondaryIndexes = List.copyOf(localSecondaryIndexes);
    }

    /** A key attribute and its DynamoDB scalar type: S, N or B. */
    public record KeyAttribute(String name, String type) {}

    /** {@code type} is ALL, KEYS_ONLY or INCLUDE; only INCLUDE names attributes. */
    public record Projection(String type, List<String> nonKeyAttributes) {
        public Projection {
            nonKeyAttributes = List.copyOf(nonKeyAttributes);
        }
    }

    public record GlobalIndex(String name, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey, Projection projection) {}

    /** A local index shares the table's partition key; it only names its own sort key. */
    public record LocalIndex(String name, KeyAttribute sortKey, Projection projection) {}

    /**
     * Server-side encryption: the AWS-managed key, unless a key ARN is given or the stack asks
     * for a customer-managed key of its own (which the Pulumi program then creates).
     */
    public record Encryption(boolean enabled, Optional<String> kmsKeyArn, boolean customerManagedKey) {}

    /** Every attribute that some key of the table or of an index uses, each once, in declaration order. */
    public List<KeyAttribute> keyAttributes() {
        var all = new java.util.LinkedHashMap<String, KeyAttribute>();
        all.put(partitionKey.name(), partitionKey);
        sortKey.ifPresent(key -> all.put(key.name(), key));
        for (GlobalIndex index : globalSecondaryIndexes) {
            all.putIfAbsent(index.partitionKey().name(), index.partitionKey());
            index.sortKey().ifPresent(key -> all.putIfAbsent(key.name(), key));
        }
        for (LocalIndex index : localSecondaryIndexes) {
            all.putIfAbsent(index.sortKey().name(), index.sortKey());
        }
        return List.copyOf(all.values());
    }
}
