package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.dynamodb.outputs.TableAttribute;
import com.pulumi.aws.kms.Key;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table each stack declares, input by input. */
class UsersTableTest {
    private static Table table(String stack) {
        return StackRuns.of(stack).named(Table.class, "users");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void keysAreIdAndCreatedAt(String stack) {
        assertEquals("id", value(table(stack).hashKey()));
        assertEquals(Optional.of("createdAt"), value(table(stack).rangeKey()));
        Map<String, String> attributes = value(table(stack).attributes()).stream()
                .collect(Collectors.toMap(TableAttribute::name, TableAttribute::type));
        assertEquals(Map.of("id", "S", "createdAt", "N", "email", "S", "updatedAt", "N"), attributes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void emailIndexServesTheLookupRoute(String stack) {
        var indexes = value(table(stack).globalSecondaryIndexes()).orElseThrow();
        assertEquals(1, indexes.size());
        assertEquals("email-index", indexes.get(0).name());
        assertEquals("email", indexes.get(0).hashKey());
        assertEquals("ALL", indexes.get(0).projectionType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void localIndexIsOnUpdatedAt(String stack) {
        var indexes = value(table(stack).localSecondaryIndexes()).orElseThrow();
        assertEquals(1, indexes.size());
        assertEquals("updatedAt", indexes.get(0).rangeKey());
        assertEquals("updatedAt-index", indexes.get(0).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void timeToLiveReadsDeleteAt(String stack) {
        var ttl = value(table(stack).ttl());
        assertEquals(Optional.of("deleteAt"), ttl.attributeName());
        assertEquals(Optional.of(true), ttl.enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void pointInTimeRecoveryIsOn(String stack) {
        assertEquals(true, value(table(stack).pointInTimeRecovery()).enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void encryptionUsesTheAwsManagedKeyInDev(String stack) {
        var sse = value(table(stack).serverSideEncryption());
        assertEquals(true, sse.enabled());
        // The alarm topic's key (Alarms) is no table's.
        assertTrue(StackRuns.of(stack).all(Key.class).stream().allMatch(key -> key.pulumiResourceName().startsWith("users-alarms-")));
    }

    /**
     * Staging takes prod's shape where prod would otherwise run something first (deploy review,
     * finding 4): both tables under a key of the stack's own, so the key, DynamoDB's grants and the
     * functions' kms:Decrypt through kms:ViaService run in staging before prod.
     */
    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void stagingAndProdEncryptBothTablesWithTheirOwnRotatedKeys(String stack) {
        for (String table : java.util.List.of("users", "idempotency-keys")) {
            Key key = StackRuns.of(stack).named(Key.class, table + "-key");
            assertEquals(Optional.of(true), value(key.enableKeyRotation()));
            var sse = value(StackRuns.of(stack).named(Table.class, table).serverSideEncryption());
            assertEquals(true, sse.enabled());
            assertEquals(value(key.arn()), sse.kmsKeyArn().orElseThrow(), table + " uses the key the stack created");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void streamCarriesNewAndOldImages(String stack) {
        assertEquals(Optional.of(true), value(table(stack).streamEnabled()));
        assertEquals("NEW_AND_OLD_IMAGES", value(table(stack).streamViewType()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void billingIsPayPerRequest(String stack) {
        assertEquals(Optional.of("PAY_PER_REQUEST"), value(table(stack).billingMode()));
        assertEquals(null, value(table(stack).readCapacity()), "no read capacity");
        assertEquals(null, value(table(stack).writeCapacity()), "no write capacity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void deletionProtectionIsOnBeyondDev(String stack) {
        assertEquals(Optional.of(true), value(table(stack).deletionProtectionEnabled()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void devTablesCanBeDeleted(String stack) {
        assertEquals(Optional.of(false), value(table(stack).deletionProtectionEnabled()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void tagsNameTheProjectAndStack(String stack) {
        Map<String, String> tags = value(table(stack).tags()).orElseThrow();
        assertEquals("users-api", tags.get("project"));
        assertEquals(stack, tags.get("stack"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void stacksWithDeletionProtectionProtectTheirDataFromPulumi(String stack) {
        var mocks = StackRuns.of(stack).run.mocks();
        assertTrue(mocks.isProtected("aws:dynamodb/table:Table", "users"));
        assertTrue(mocks.isProtected("aws:dynamodb/table:Table", "idempotency-keys"));
        if (stack.equals("prod")) {
            assertTrue(mocks.isProtected("aws:kms/key:Key", "users-key"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void otherStacksLeaveTheirTableUnprotected(String stack) {
        assertTrue(!StackRuns.of(stack).run.mocks().isProtected("aws:dynamodb/table:Table", "users"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void idempotencyKeysExpireAndAreGuardedLikeTheUsers(String stack) {
        Table keys = StackRuns.of(stack).named(Table.class, "idempotency-keys");
        assertEquals("key", value(keys.hashKey()));
        assertEquals(Optional.of("expiresAt"), value(keys.ttl()).attributeName());
        assertEquals(true, value(keys.pointInTimeRecovery()).enabled());
        assertEquals(true, value(keys.serverSideEncryption()).enabled());
        assertEquals(Optional.of("PAY_PER_REQUEST"), value(keys.billingMode()));
    }
}
