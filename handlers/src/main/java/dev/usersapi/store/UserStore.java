package dev.usersapi.store;

import dev.usersapi.model.NewUser;
import dev.usersapi.model.User;
import dev.usersapi.model.UserChanges;
import dev.usersapi.model.UserKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The users table. Every write is conditional, so a write never creates what the caller
 * meant to change, and a stale version never overwrites a newer one. Items past their time to
 * live are treated as gone: DynamoDB removes them only some time (up to days) after it passes.
 * A change may be limited to the users one owner owns ({@code owner}): the condition of the write
 * itself holds it, so no read can go stale between the check and the change; another's user is
 * answered as a missing one.
 */
public final class UserStore {
    static final String ID = "id";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String VERSION = "version";
    static final String NAME = "name";
    static final String EMAIL = "email";
    static final String AGE = "age";
    static final String DELETE_AT = "deleteAt";
    static final String OWNER_ID = "ownerId";
    static final String UPDATED_BY = "updatedBy";

    private static final String LIVE = "(attribute_not_exists(#deleteAt) OR #deleteAt > :now)";
    private static final String EXISTS_AND_LIVE = "attribute_exists(#id) AND " + LIVE;

    private final DynamoDbClient dynamo;
    private final UsersTableSettings table;

    public UserStore(DynamoDbClient dynamo, UsersTableSettings table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Creates the user, owned by {@code by}; its creation time is the one its id carries, so the
     * id alone finds it.
     */
    public User create(String id, NewUser user, String by, Instant now) {
        long createdAt = dev.usersapi.model.UserIds.keyOf(id)
                .orElseThrow(() -> new IllegalArgumentException("not an id this service issues: " + id)).createdAt();
        Optional<Long> deleteAt = table.retention().map(retention -> now.plus(retention).getEpochSecond());
        User created = new User(id, createdAt, now.toEpochMilli(), 1, user.name(), user.email(), user.age(), deleteAt,
                Optional.of(by), Optional.of(by));
        // The id is fresh, so the condition only guards against an impossible collision, never a real user.
        dynamo.putItem(put -> put.tableName(table.tableName())
                .item(UserItems.toItem(created))
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", ID)));
        return created;
    }

    /**
     * Creates the user unless one with this id exists, and returns the stored user either way:
     * a retried idempotent create that finds its first attempt's user reuses it.
     */
    public User createIfAbsent(String id, NewUser user, String by, Instant now) {
        try {
            return create(id, user, by, now);
        } catch (ConditionalCheckFailedException alreadyCreated) {
            var key = dev.usersapi.model.UserIds.keyOf(id).orElseThrow();
            var stored = dynamo.getItem(get -> get.tableName(table.tableName()).key(keyOf(key)).consistentRead(true));
            return UserItems.fromItem(stored.item());
        }
    }

    public Optional<User> find(UserKey key, Instant now) {
        var response = dynamo.getItem(get -> get.tableName(table.tableName()).key(keyOf(key)).consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        User user = UserItems.fromItem(response.item());
        return user.expiredAt(now.getEpochSecond()) ? Optional.empty() : Optional.of(user);
    }

    /** A page of all users: a Scan bounded by {@code limit}, resumed where the last page stopped. */
    public Page<User> list(int limit, Optional<PageStart> start, Instant now) {
        var request = ScanRequest.builder()
                .tableName(table.tableName())
                .limit(limit)
                .filterExpression(LIVE)
                .expressionAttributeNames(Map.of("#deleteAt", DELETE_AT))
                .expressionAttributeValues(Map.of(":now", number(now.getEpochSecond())));
        start.ifPresent(from -> request.exclusiveStartKey(keyOf(from.after())));
        ScanResponse response = dynamo.scan(request.build());
        return page(response.items(), response.lastEvaluatedKey(), Optional.empty());
    }

    /** The users with this email, from the email index. */
    public Page<User> findByEmail(String email, int limit, Optional<PageStart> start, Instant now) {
        var request = QueryRequest.builder()
                .tableName(table.tableName())
                .indexName(table.emailIndexName())
                .limit(limit)
                .keyConditionExpression("#email = :email")
                .filterExpression(LIVE)
                .expressionAttributeNames(Map.of("#email", EMAIL, "#deleteAt", DELETE_AT))
                .expressionAttributeValues(Map.of(":email", text(email), ":now", number(now.getEpochSecond())));
        start.ifPresent(from -> {
            Map<String, AttributeValue> startKey = new HashMap<>(keyOf(from.after()));
            startKey.put(EMAIL, text(from.email().orElse(email)));
            request.exclusiveStartKey(startKey);
        });
        QueryResponse response = dynamo.query(request.build());
        return page(response.items(), response.lastEvaluatedKey(), Optional.of(email));
    }

    /** Applies the changes, recording {@code by} as their author; only to a user of {@code owner}'s, where one is given. */
    public WriteOutcome update(UserKey key, UserChanges changes, OptionalLong expectedVersion, Optional<String> owner,
                               String by, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        changes.name().ifPresent(name -> set(sets, names, values, NAME, text(name)));
        changes.email().ifPresent(email -> set(sets, names, values, EMAIL, text(email)));
        changes.age().ifPresent(age -> set(sets, names, values, AGE, number(age)));
        set(sets, names, values, UPDATED_AT, number(now.toEpochMilli()));
        set(sets, names, values, UPDATED_BY, text(by));
        names.put("#version", VERSION);
        values.put(":one", number(1));
        sets.add("#version = #version + :one");
        String expression = "SET " + String.join(", ", sets);
        if (changes.removeAge()) {
            names.put("#age", AGE);
            expression += " REMOVE #age";
        }
        String condition = conditionFor(expectedVersion, owner, names, values, now);
        try {
            String updateExpression = expression;
            var response = dynamo.updateItem(update -> update.tableName(table.tableName())
                    .key(keyOf(key))
                    .updateExpression(updateExpression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new WriteOutcome.Written(UserItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return failedCondition(e, owner, now);
        }
    }

    /** Deletes the user, only one of {@code owner}'s where one is given; the outcome carries the user as it was. */
    public WriteOutcome delete(UserKey key, OptionalLong expectedVersion, Optional<String> owner, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = conditionFor(expectedVersion, owner, names, values, now);
        try {
            var response = dynamo.deleteItem(delete -> delete.tableName(table.tableName())
                    .key(keyOf(key))
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new WriteOutcome.Written(UserItems.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return failedCondition(e, owner, now);
        }
    }

    private static String conditionFor(OptionalLong expectedVersion, Optional<String> owner, Map<String, String> names,
                                       Map<String, AttributeValue> values, Instant now) {
        names.put("#id", ID);
        names.put("#deleteAt", DELETE_AT);
        values.put(":now", number(now.getEpochSecond()));
        String condition = EXISTS_AND_LIVE;
        if (owner.isPresent()) {
            names.put("#ownerId", OWNER_ID);
            values.put(":owner", text(owner.get()));
            condition += " AND #ownerId = :owner";
        }
        if (expectedVersion.isPresent()) {
            names.put("#version", VERSION);
            values.put(":expected", number(expectedVersion.getAsLong()));
            condition += " AND #version = :expected";
        }
        return condition;
    }

    /**
     * DynamoDB hands back the item as it stood, so one call tells a missing user (or another
     * owner's: told apart from a stale version first, so its version leaks nothing) from a stale version.
     */
    private static WriteOutcome failedCondition(ConditionalCheckFailedException failure, Optional<String> owner, Instant now) {
        if (!failure.hasItem() || failure.item().isEmpty()) {
            return new WriteOutcome.NotFound();
        }
        User current = UserItems.fromItem(failure.item());
        if (current.expiredAt(now.getEpochSecond()) || owner.isPresent() && !current.ownerId().equals(owner)) {
            return new WriteOutcome.NotFound();
        }
        return new WriteOutcome.VersionMismatch(current.version());
    }

    private static void set(List<String> sets, Map<String, String> names, Map<String, AttributeValue> values,
                            String attribute, AttributeValue value) {
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
        sets.add("#" + attribute + " = :" + attribute);
    }

    private static Page<User> page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastKey,
                                   Optional<String> email) {
        List<User> users = items.stream().map(UserItems::fromItem).toList();
        if (lastKey == null || lastKey.isEmpty()) {
            return new Page<>(users, Optional.empty());
        }
        UserKey after = new UserKey(lastKey.get(ID).s(), Long.parseLong(lastKey.get(CREATED_AT).n()));
        return new Page<>(users, Optional.of(new PageStart(after, email)));
    }

    private static Map<String, AttributeValue> keyOf(UserKey key) {
        return Map.of(ID, text(key.id()), CREATED_AT, number(key.createdAt()));
    }

    static AttributeValue text(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
