package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.expression.Condition;
import dev.usersapi.engine.expression.Documents;
import dev.usersapi.engine.expression.Evaluator;
import dev.usersapi.engine.expression.ExpressionException;
import dev.usersapi.engine.expression.Expressions;
import dev.usersapi.engine.expression.Path;
import dev.usersapi.engine.expression.Placeholders;
import dev.usersapi.engine.expression.Update;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.table.Table;
import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.ItemSizes;
import dev.usersapi.engine.value.Value;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TransactWriteItems and TransactGetItems, as the API reference defines them: up to 100
 * actions, all or nothing, one action per item, a cancellation reason per action when any
 * condition fails, and a ClientRequestToken that makes a retry within 10 minutes idempotent.
 * A transaction holds the locks of all its items (taken in one global order, so two transactions
 * never wait on each other) while it checks and writes, so single-item writes see all of it or none.
 */
final class TransactionOperations {
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final Map<String, Table> catalog;
    private final Clock clock;
    private final Map<String, Answered> tokens = new ConcurrentHashMap<>();

    private record Answered(String request, ObjectNode answer, Instant at) {}

    private record Action(String kind, Table table, Map<String, Value> key, Optional<Condition> condition,
                          Optional<Map<String, Value>> item, Optional<Update> update, boolean returnOld) {}

    TransactionOperations(Map<String, Table> catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    private Table table(JsonNode action) {
        String name = Requests.string(action, "TableName");
        Table table = catalog.get(name);
        if (table == null) {
            throw DynamoDbException.notFound("Requested resource not found");
        }
        return table;
    }

    ObjectNode write(JsonNode request) {
        JsonNode items = request.path("TransactItems");
        if (!items.isArray() || items.isEmpty() || items.size() > 100) {
            throw DynamoDbException.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 100, Member must have length greater than or equal to 1");
        }
        Optional<String> token = Requests.optionalString(request, "ClientRequestToken");
        Instant now = clock.instant();
        tokens.values().removeIf(answered -> answered.at().plus(TOKEN_LIFETIME).isBefore(now));
        if (token.isPresent()) {
            Answered earlier = tokens.get(token.get());
            if (earlier != null) {
                if (!earlier.request().equals(JsonTrees.text(items))) {
                    throw new DynamoDbException("IdempotentParameterMismatchException",
                            "The request uses the same client request token as a previous, but non-identical request.", 400);
                }
                return earlier.answer().deepCopy();
            }
        }
        List<Action> actions = new ArrayList<>();
        for (JsonNode entry : items) {
            actions.add(action(entry));
        }
        for (int i = 0; i < actions.size(); i++) {
            for (int j = i + 1; j < actions.size(); j++) {
                if (actions.get(i).table() == actions.get(j).table() && actions.get(i).key().equals(actions.get(j).key())) {
                    throw DynamoDbException.validation("Transaction request cannot include multiple operations on one item");
                }
            }
        }
        List<ReentrantLock> locks = locksOf(actions);
        locks.forEach(ReentrantLock::lock);
        double units = 0;
        try {
            List<Optional<Map<String, Value>>> current = new ArrayList<>();
            List<Boolean> failed = new ArrayList<>();
            for (Action action : actions) {
                Optional<Map<String, Value>> item = action.table().get(action.key());
                current.add(item);
                failed.add(!holds(action, item));
            }
            if (failed.contains(true)) {
                throw cancelled(actions, current, i -> failed.get(i) ? CONDITION_FAILED : NO_REASON);
            }
            // Every result is made and checked before the first is written: a refusal leaves nothing half-done.
            List<Optional<Map<String, Value>>> results = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                Action action = actions.get(i);
                Optional<Map<String, Value>> before = current.get(i);
                Optional<Map<String, Value>> after = switch (action.kind()) {
                    case "Put" -> action.item();
                    case "Delete" -> Optional.empty();
                    // As UpdateItem: an update that only takes attributes away makes no item where there is none.
                    case "Update" -> before.isEmpty() && action.update().orElseThrow().takesAwayOnly() ? before : Optional.of(updated(action, before));
                    default -> before;
                };
                results.add(after);
            }
            Map<Integer, Reason> invalid = new LinkedHashMap<>();
            for (int i = 0; i < actions.size(); i++) {
                try {
                    Table table = actions.get(i).table();
                    results.get(i).ifPresent(result -> Requests.checkItem(table, result));
                } catch (DynamoDbException e) {
                    // "An item size becomes too large ... or a similar validation error occurs because of changes made by the transaction".
                    invalid.put(i, new Reason("ValidationError", Optional.ofNullable(e.getMessage())));
                }
            }
            if (!invalid.isEmpty()) {
                throw cancelled(actions, current, i -> invalid.getOrDefault(i, NO_REASON));
            }
            Map<Table, java.util.Set<Value>> pastLimit = new LinkedHashMap<>();
            for (Table table : actions.stream().map(Action::table).distinct().toList()) {
                List<Integer> writes = java.util.stream.IntStream.range(0, actions.size())
                        .filter(i -> actions.get(i).table() == table && !actions.get(i).kind().equals("ConditionCheck")).boxed().toList();
                pastLimit.put(table, table.collectionsPastLimit(writes.stream().map(current::get).toList(), writes.stream().map(results::get).toList()));
            }
            if (pastLimit.values().stream().anyMatch(keys -> !keys.isEmpty())) {
                throw cancelled(actions, current, i -> {
                    Action action = actions.get(i);
                    boolean past = !action.kind().equals("ConditionCheck")
                            && pastLimit.get(action.table()).contains(action.key().get(action.table().key().hashName()));
                    return past ? COLLECTION_TOO_LARGE : NO_REASON;
                });
            }
            // The writes reach the store as one atomic write: a crash keeps the whole transaction or none of it.
            List<Table.Pending> writes = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                Action action = actions.get(i);
                if (!action.kind().equals("ConditionCheck")) {
                    writes.add(action.table().prepareChecked(action.key(), results.get(i)));
                }
            }
            Table.commit(writes);
            for (int i = 0; i < actions.size(); i++) {
                long size = Math.max(current.get(i).map(ItemSizes::of).orElse(0L), results.get(i).map(ItemSizes::of).orElse(0L));
                // A transactional write costs two units for each unit a plain write would.
                units += 2 * Math.max(1, Math.ceil(size / 1024.0));
            }
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
        ObjectNode answer = JsonTrees.object();
        if (!request.path("ReturnConsumedCapacity").asText("NONE").equals("NONE")) {
            ArrayNode consumed = answer.putArray("ConsumedCapacity");
            double total = units;
            actions.stream().map(Action::table).distinct().forEach(table -> consumed.addObject().put("TableName", table.name())
                    .put("CapacityUnits", total));
        }
        token.ifPresent(given -> tokens.put(given, new Answered(JsonTrees.text(items), answer.deepCopy(), now)));
        return answer;
    }

    private Action action(JsonNode entry) {
        List<String> kinds = new ArrayList<>();
        entry.fieldNames().forEachRemaining(kinds::add);
        if (kinds.size() != 1 || !List.of("ConditionCheck", "Put", "Update", "Delete").contains(kinds.get(0))) {
            throw DynamoDbException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        }
        String kind = kinds.get(0);
        JsonNode body = entry.get(kind);
        Table table = table(body);
        Placeholders placeholders = Requests.placeholders(body);
        try {
            Optional<Map<String, Value>> item = Optional.empty();
            Map<String, Value> key;
            if (kind.equals("Put")) {
                Map<String, Value> given = Requests.item(body.path("Item"));
                Requests.checkItem(table, given);
                item = Optional.of(given);
                key = table.key().keyOf(given).orElseThrow();
            } else {
                key = Requests.key(table, body.path("Key"));
            }
            Optional<Update> update = kind.equals("Update")
                    ? Optional.of(Expressions.update(Requests.string(body, "UpdateExpression"), placeholders)) : Optional.empty();
            Optional<Condition> condition = Requests.optionalString(body, "ConditionExpression")
                    .map(text -> Expressions.condition(text, "ConditionExpression", placeholders));
            if (kind.equals("ConditionCheck") && condition.isEmpty()) {
                throw DynamoDbException.validation("The ConditionExpression parameter is required for a ConditionCheck");
            }
            placeholders.checkAllUsed();
            update.ifPresent(actions -> actions.actions().forEach(change -> {
                if (table.key().isKeyAttribute(change.path().attribute())) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Cannot update attribute "
                            + change.path().attribute() + ". This attribute is part of the key");
                }
            }));
            boolean returnOld = body.path("ReturnValuesOnConditionCheckFailure").asText("NONE").equals("ALL_OLD");
            return new Action(kind, table, key, condition, item, update, returnOld);
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static boolean holds(Action action, Optional<Map<String, Value>> item) {
        try {
            return action.condition().map(condition -> Evaluator.test(condition, item.orElse(Map.of()), "ConditionExpression")).orElse(true);
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static Map<String, Value> updated(Action action, Optional<Map<String, Value>> before) {
        try {
            Map<String, Value> base = before.orElseGet(() -> new LinkedHashMap<>(action.key()));
            return Evaluator.apply(action.update().orElseThrow(), base);
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    /** All items' locks, distinct, in one global order: table name, then stripe. */
    private static List<ReentrantLock> locksOf(List<Action> actions) {
        record Held(String table, int stripe, ReentrantLock lock) {}
        List<Held> held = new ArrayList<>();
        for (Action action : actions) {
            Held next = new Held(action.table().name(), action.table().stripeOf(action.key()), action.table().lockOf(action.key()));
            if (held.stream().noneMatch(h -> h.lock() == next.lock())) {
                held.add(next);
            }
        }
        held.sort(Comparator.comparing(Held::table).thenComparingInt(Held::stripe));
        return held.stream().map(Held::lock).toList();
    }

    /** Why an action was cancelled, as its CancellationReason gives it (API reference, TransactWriteItems). */
    private record Reason(String code, Optional<String> message) {}

    private static final Reason NO_REASON = new Reason("None", Optional.empty());
    private static final Reason CONDITION_FAILED = new Reason("ConditionalCheckFailed", Optional.of("The conditional request failed"));
    private static final Reason COLLECTION_TOO_LARGE = new Reason("ItemCollectionSizeLimitExceeded", Optional.of("Collection size exceeded"));

    private static DynamoDbException cancelled(List<Action> actions, List<Optional<Map<String, Value>>> current,
                                               java.util.function.IntFunction<Reason> reasonOf) {
        List<String> codes = new ArrayList<>();
        ArrayNode reasons = JsonTrees.array();
        for (int i = 0; i < actions.size(); i++) {
            Reason why = reasonOf.apply(i);
            codes.add(why.code());
            ObjectNode reason = reasons.addObject().put("Code", why.code());
            why.message().ifPresent(message -> reason.put("Message", message));
            if (why == CONDITION_FAILED && actions.get(i).returnOld()) {
                current.get(i).ifPresent(item -> reason.set("Item", AttributeValues.write(item)));
            }
        }
        return new DynamoDbException("TransactionCanceledException",
                "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes, 400,
                Optional.empty(), Optional.of(reasons));
    }

    ObjectNode get(JsonNode request) {
        JsonNode items = request.path("TransactItems");
        if (!items.isArray() || items.isEmpty() || items.size() > 100) {
            throw DynamoDbException.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 100, Member must have length greater than or equal to 1");
        }
        record Read(Table table, Map<String, Value> key, Optional<List<Path>> projection) {}
        List<Read> reads = new ArrayList<>();
        for (JsonNode entry : items) {
            JsonNode body = entry.path("Get");
            Table table = table(body);
            Placeholders placeholders = Requests.placeholders(body);
            try {
                Optional<List<Path>> projection = Requests.optionalString(body, "ProjectionExpression")
                        .map(text -> Expressions.projection(text, placeholders));
                placeholders.checkAllUsed();
                reads.add(new Read(table, Requests.key(table, body.path("Key")), projection));
            } catch (ExpressionException e) {
                throw Requests.invalid(e);
            }
        }
        List<ReentrantLock> locks = new ArrayList<>();
        record Held(String table, int stripe, ReentrantLock lock) {}
        List<Held> held = new ArrayList<>();
        for (Read read : reads) {
            ReentrantLock lock = read.table().lockOf(read.key());
            if (held.stream().noneMatch(h -> h.lock() == lock)) {
                held.add(new Held(read.table().name(), read.table().stripeOf(read.key()), lock));
            }
        }
        held.sort(Comparator.comparing(Held::table).thenComparingInt(Held::stripe));
        held.forEach(h -> locks.add(h.lock()));
        locks.forEach(ReentrantLock::lock);
        ObjectNode answer = JsonTrees.object();
        ArrayNode responses = answer.putArray("Responses");
        try {
            for (Read read : reads) {
                ObjectNode response = responses.addObject();
                read.table().get(read.key()).ifPresent(item ->
                        response.set("Item", AttributeValues.write(read.projection().map(paths -> Documents.project(item, paths)).orElse(item))));
            }
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
        return answer;
    }
}
