package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Value;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's ExpressionAttributeNames and ExpressionAttributeValues, shared by all its
 * expressions: resolves {@code #name} and {@code :value}, and afterwards tells which were never used.
 */
public final class Placeholders {
    private final Map<String, String> names;
    private final Map<String, Value> values;
    private final Set<String> usedNames = new LinkedHashSet<>();
    private final Set<String> usedValues = new LinkedHashSet<>();

    public Placeholders(Map<String, String> names, Map<String, Value> values) {
        this.names = Map.copyOf(names);
        this.values = Map.copyOf(values);
    }

    public static Placeholders none() {
        return new Placeholders(Map.of(), Map.of());
    }

    String name(String placeholder, String kind) {
        String name = names.get(placeholder);
        if (name == null) {
            throw new ExpressionException("Invalid " + kind + ": An expression attribute name used in the document path is not defined; attribute name: " + placeholder);
        }
        usedNames.add(placeholder);
        return name;
    }

    Value value(String placeholder, String kind) {
        Value value = values.get(placeholder);
        if (value == null) {
            throw new ExpressionException("Invalid " + kind + ": An expression attribute value used in expression is not defined; attribute value: " + placeholder);
        }
        usedValues.add(placeholder);
        return value;
    }

    /** DynamoDB refuses a request that defines placeholders none of its expressions uses. */
    public void checkAllUsed() {
        Set<String> unusedNames = new TreeSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw new ExpressionException("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + String.join(", ", unusedNames) + "}");
        }
        Set<String> unusedValues = new TreeSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw new ExpressionException("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + String.join(", ", unusedValues) + "}");
        }
    }
}
