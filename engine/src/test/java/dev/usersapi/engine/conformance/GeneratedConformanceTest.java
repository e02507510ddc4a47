package dev.usersapi.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated items, numbers, conditions and updates, each request sent to the engine and to
 * dynalite and their answers held equal: what the hand-picked cases do not think of.
 */
class GeneratedConformanceTest {
    private static final String TABLE = "generated";
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static Dynalite dynalite;
    private static Conformance conformance;

    @BeforeContainer
    static void start() throws Exception {
        dynalite = Dynalite.start();
        conformance = new Conformance(new DynamoDbEngine(Clock.systemUTC()), dynalite);
        conformance.same("CreateTable", "{\"TableName\":\"" + TABLE + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
        conformance.same("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + FIXED_ITEM + "}");
    }

    @AfterContainer
    static void stop() {
        dynalite.close();
        System.out.println("conformance: " + Conformance.REQUESTS.get() + " requests compared with dynalite so far, "
                + Conformance.EXPLAINED.get() + " of them known differences where the engine follows DynamoDB");
    }

    /** The item conditions are tested against: every type, nested. */
    private static final String FIXED_ITEM = "{\"id\":{\"S\":\"fixed\"},\"n\":{\"N\":\"5\"},\"s\":{\"S\":\"hello\"},\"b\":{\"B\":\"AQID\"},"
            + "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"S\":\"b\"}}},"
            + "\"ss\":{\"SS\":[\"a\",\"b\"]},\"ns\":{\"NS\":[\"1\",\"2\"]},\"bs\":{\"BS\":[\"AQ==\"]}}";

    private static String key() {
        return "k" + KEYS.incrementAndGet();
    }

    // --- items: put, then read back ---

    @Property(tries = 120, seed = "20261125")
    void anItemPutIsReadBackAsDynaliteReadsIt(@ForAll("items") ObjectNode item) throws Exception {
        String id = key();
        item.putObject("id").put("S", id);
        conformance.same("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item + "}");
        conformance.same("GetItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}},\"ConsistentRead\":true,"
                + "\"ReturnConsumedCapacity\":\"TOTAL\"}");
    }

    @Provide
    Arbitrary<ObjectNode> items() {
        return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d", "e", "name", "Ünïcode", "with space"), value(2)).ofMaxSize(6)
                .map(attributes -> {
                    ObjectNode item = Conformance.JSON.createObjectNode();
                    attributes.forEach(item::set);
                    return item;
                });
    }

    private static Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').withChars('é', '€', ' ').ofMaxLength(8).map(text -> typed("S", text)),
                numbers().map(text -> typed("N", text)),
                Arbitraries.of("", "AQ==", "AQID", "/w==").map(bytes -> typed("B", bytes)),
                Arbitraries.of(true, false).map(flag -> (JsonNode) Conformance.JSON.createObjectNode().put("BOOL", flag)),
                Arbitraries.just((JsonNode) Conformance.JSON.createObjectNode().put("NULL", true)),
                Arbitraries.strings().withCharRange('a', 'e').ofLength(1).list().ofMinSize(1).ofMaxSize(3).map(values -> set("SS", values)),
                Arbitraries.integers().between(-3, 3).map(String::valueOf).list().ofMinSize(1).ofMaxSize(3).map(values -> set("NS", values)));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> list = value(depth - 1).list().ofMaxSize(3).map(values -> {
            ObjectNode node = Conformance.JSON.createObjectNode();
            ArrayNode array = node.putArray("L");
            values.forEach(array::add);
            return node;
        });
        Arbitrary<JsonNode> map = Arbitraries.maps(Arbitraries.of("x", "y", "z"), value(depth - 1)).ofMaxSize(3).map(entries -> {
            ObjectNode node = Conformance.JSON.createObjectNode();
            ObjectNode inner = node.putObject("M");
            entries.forEach(inner::set);
            return node;
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, map));
    }

    private static JsonNode typed(String type, String text) {
        return Conformance.JSON.createObjectNode().put(type, text);
    }

    private static JsonNode set(String type, List<String> values) {
        ObjectNode node = Conformance.JSON.createObjectNode();
        ArrayNode array = node.putArray(type);
        values.forEach(array::add);
        return node;
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.bigDecimals().ofScale(3).map(java.math.BigDecimal::toPlainString),
                Arbitraries.of("0", "-0", "0.0", "1e10", "1E-5", "-1.50", "00012", "9.9999999999999999999999999999999999999E+125",
                        "1E-130", "1e126", "1e-131", "123456789012345678901234567890123456789", "1.5e", ".5", "5.", "+3", "0x10"));
    }

    // --- conditions on a fixed item ---

    @Property(tries = 200, seed = "20261125")
    void aConditionOnTheFixedItemPassesOrFailsAsInDynalite(@ForAll("conditions") String condition) throws Exception {
        // A put of the same item: the table is unchanged whether the condition holds or not.
        conformance.same("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + FIXED_ITEM + ",\"ConditionExpression\":"
                + Conformance.JSON.writeValueAsString(condition) + ",\"ExpressionAttributeValues\":" + VALUES + "}");
    }

    /** Every value a generated condition may use: the generator uses each at least once through a trailing clause. */
    private static final String VALUES = "{\":n\":{\"N\":\"5\"},\":m\":{\"N\":\"7\"},\":s\":{\"S\":\"hel\"},\":a\":{\"S\":\"a\"},"
            + "\":t\":{\"S\":\"N\"},\":b\":{\"B\":\"AQ==\"},\":l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]}}";
    private static final String USES_EVERY_VALUE = " OR (:n = :m AND :s = :a AND :t = :b AND :l = :a)";

    @Provide
    Arbitrary<String> conditions() {
        return condition(2).map(text -> text + USES_EVERY_VALUE);
    }

    private static Arbitrary<String> condition(int depth) {
        Arbitrary<String> path = Arbitraries.of("n", "s", "b", "t", "z", "l", "m", "ss", "ns", "bs", "missing", "l[0]", "l[1]", "l[5]", "m.x", "m.y", "m.q");
        // No list literal in generated comparisons: dynalite compares lists by identity where DynamoDB compares
        // them by value (held by ConditionRulesTest against the API reference instead).
        Arbitrary<String> value = Arbitraries.of(":n", ":m", ":s", ":a", ":t", ":b");
        Arbitrary<String> operand = Arbitraries.oneOf(path, value, path.map(p -> "size(" + p + ")"));
        Arbitrary<String> comparison = Combinators.combine(operand, Arbitraries.of("=", "<>", "<", "<=", ">", ">="), operand)
                .as((left, op, right) -> left + " " + op + " " + right);
        Arbitrary<String> function = Combinators.combine(Arbitraries.of("attribute_exists", "attribute_not_exists", "begins_with", "contains",
                "attribute_type"), path, value).as((name, p, v) -> name.startsWith("attribute_") && !name.equals("attribute_type")
                ? name + "(" + p + ")" : name + "(" + p + ", " + v + ")");
        Arbitrary<String> between = Combinators.combine(operand, value, value).as((s, low, high) -> s + " BETWEEN " + low + " AND " + high);
        // IN with list operands: dynalite compares lists by identity, a JavaScript artefact, so IN is generated over scalars.
        Arbitrary<String> scalarValue = Arbitraries.of(":n", ":m", ":s", ":a", ":t", ":b");
        Arbitrary<String> in = Combinators.combine(Arbitraries.oneOf(path, scalarValue), scalarValue.list().ofMinSize(1).ofMaxSize(3))
                .as((s, candidates) -> s + " IN (" + String.join(", ", candidates) + ")");
        Arbitrary<String> simple = Arbitraries.oneOf(comparison, function, between, in);
        if (depth == 0) {
            return simple;
        }
        Arbitrary<String> nested = condition(depth - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, simple),
                net.jqwik.api.Tuple.of(1, Combinators.combine(nested, Arbitraries.of("AND", "OR"), nested).as((l, op, r) -> l + " " + op + " " + r)),
                net.jqwik.api.Tuple.of(1, nested.map(c -> "NOT " + c)),
                net.jqwik.api.Tuple.of(1, nested.map(c -> "(" + c + ")")));
    }

    // --- updates on a fresh copy of the fixed item ---

    @Property(tries = 150, seed = "20261125")
    void anUpdateChangesTheItemAsInDynalite(@ForAll("updates") String update) throws Exception {
        String id = key();
        String item = FIXED_ITEM.replace("\"fixed\"", "\"" + id + "\"");
        conformance.same("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item + "}");
        conformance.same("UpdateItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}},\"UpdateExpression\":"
                + Conformance.JSON.writeValueAsString(update) + ",\"ExpressionAttributeValues\":" + UPDATE_VALUES
                + ",\"ReturnValues\":\"ALL_NEW\"}");
    }

    private static final String UPDATE_VALUES = "{\":one\":{\"N\":\"1\"},\":s\":{\"S\":\"x\"},\":l\":{\"L\":[{\"S\":\"z\"}]},"
            + "\":ss\":{\"SS\":[\"a\",\"c\"]},\":ns\":{\"NS\":[\"2\",\"3\"]}}";

    @Provide
    Arbitrary<String> updates() {
        Arbitrary<String> target = Arbitraries.of("n", "s", "l", "m", "ss", "ns", "new", "l[0]", "l[9]", "m.x", "m.new", "missing.x");
        Arbitrary<String> set = Combinators.combine(target, Arbitraries.of(":one", ":s", ":l", "n + :one", "n - :one", "s + :one",
                "if_not_exists(new, :one)", "if_not_exists(n, :s)", "list_append(l, :l)", "list_append(:l, l)", "list_append(s, :l)", "missing"))
                .as((path, value) -> path + " = " + value);
        Arbitrary<String> remove = target;
        Arbitrary<String> add = Combinators.combine(target, Arbitraries.of(":one", ":ss", ":ns")).as((path, value) -> path + " " + value);
        Arbitrary<String> delete = Combinators.combine(target, Arbitraries.of(":ss", ":ns")).as((path, value) -> path + " " + value);
        return Combinators.combine(set.list().ofMaxSize(2), remove.list().ofMaxSize(2), add.list().ofMaxSize(1), delete.list().ofMaxSize(1))
                .as((sets, removes, adds, deletes) -> {
                    // Every placeholder defined must be used: the SET clause always touches them all, where nothing else does.
                    List<String> assignments = new java.util.ArrayList<>(sets);
                    assignments.add("u1 = :one, u2 = :s, u3 = :l, u4 = :ss, u5 = :ns");
                    StringBuilder text = new StringBuilder("SET ").append(String.join(", ", assignments));
                    if (!removes.isEmpty()) {
                        text.append(" REMOVE ").append(String.join(", ", removes));
                    }
                    if (!adds.isEmpty()) {
                        text.append(" ADD ").append(String.join(", ", adds));
                    }
                    if (!deletes.isEmpty()) {
                        text.append(" DELETE ").append(String.join(", ", deletes));
                    }
                    return text.toString();
                });
    }
}
