package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading and rewriting an item at a document path; items and values stay immutable, so each write makes new ones. */
public final class Documents {
    private Documents() {}

    public static Optional<Value> get(Map<String, Value> item, Path path) {
        Value current = item.get(path.attribute());
        for (int i = 1; i < path.steps().size() && current != null; i++) {
            Path.Step step = path.steps().get(i);
            if (step instanceof Path.Step.Attribute attribute) {
                current = current instanceof Value.M map ? map.values().get(attribute.name()) : null;
            } else {
                int position = ((Path.Step.Index) step).position();
                current = current instanceof Value.L list && position < list.values().size() ? list.values().get(position) : null;
            }
        }
        return Optional.ofNullable(current);
    }

    /**
     * The item with {@code value} at {@code path}. Every step but the last must exist; a list index
     * past the end appends, as DynamoDB's SET does.
     */
    public static Map<String, Value> set(Map<String, Value> item, Path path, Value value) {
        Map<String, Value> copy = new LinkedHashMap<>(item);
        if (path.isTopLevel()) {
            copy.put(path.attribute(), value);
            return copy;
        }
        Value top = item.get(path.attribute());
        if (top == null) {
            throw invalidPath();
        }
        copy.put(path.attribute(), setIn(top, path.steps(), 1, value));
        return copy;
    }

    private static Value setIn(Value container, List<Path.Step> steps, int index, Value value) {
        Path.Step step = steps.get(index);
        boolean last = index == steps.size() - 1;
        if (step instanceof Path.Step.Attribute attribute) {
            if (!(container instanceof Value.M map)) {
                throw invalidPath();
            }
            Map<String, Value> entries = new LinkedHashMap<>(map.values());
            if (last) {
                entries.put(attribute.name(), value);
            } else {
                Value next = entries.get(attribute.name());
                if (next == null) {
                    throw invalidPath();
                }
                entries.put(attribute.name(), setIn(next, steps, index + 1, value));
            }
            return new Value.M(entries);
        }
        if (!(container instanceof Value.L list)) {
            throw invalidPath();
        }
        int position = ((Path.Step.Index) step).position();
        List<Value> elements = new ArrayList<>(list.values());
        if (last) {
            if (position >= elements.size()) {
                elements.add(value);
            } else {
                elements.set(position, value);
            }
        } else {
            if (position >= elements.size()) {
                throw invalidPath();
            }
            elements.set(position, setIn(elements.get(position), steps, index + 1, value));
        }
        return new Value.L(elements);
    }

    /** The item without what is at {@code path}; removing what is not there changes nothing. */
    public static Map<String, Value> remove(Map<String, Value> item, Path path) {
        Map<String, Value> copy = new LinkedHashMap<>(item);
        if (path.isTopLevel()) {
            copy.remove(path.attribute());
            return copy;
        }
        Value top = item.get(path.attribute());
        if (top == null) {
            return copy;
        }
        copy.put(path.attribute(), removeIn(top, path.steps(), 1));
        return copy;
    }

    private static Value removeIn(Value container, List<Path.Step> steps, int index) {
        Path.Step step = steps.get(index);
        boolean last = index == steps.size() - 1;
        if (step instanceof Path.Step.Attribute attribute) {
            if (!(container instanceof Value.M map)) {
                throw invalidPath();
            }
            Map<String, Value> entries = new LinkedHashMap<>(map.values());
            if (last) {
                entries.remove(attribute.name());
            } else if (entries.containsKey(attribute.name())) {
                entries.put(attribute.name(), removeIn(entries.get(attribute.name()), steps, index + 1));
            }
            return new Value.M(entries);
        }
        if (!(container instanceof Value.L list)) {
            throw invalidPath();
        }
        int position = ((Path.Step.Index) step).position();
        List<Value> elements = new ArrayList<>(list.values());
        if (position < elements.size()) {
            if (last) {
                elements.remove(position);
            } else {
                elements.set(position, removeIn(elements.get(position), steps, index + 1));
            }
        }
        return new Value.L(elements);
    }

    /** Only the given paths of the item, nested as in the item (a ProjectionExpression). */
    public static Map<String, Value> project(Map<String, Value> item, List<Path> paths) {
        Map<String, Value> projected = new LinkedHashMap<>();
        for (Path path : paths) {
            Optional<Value> value = get(item, path);
            if (value.isEmpty()) {
                continue;
            }
            if (path.isTopLevel()) {
                projected.put(path.attribute(), value.get());
            } else {
                projected.put(path.attribute(), merge(projected.get(path.attribute()), path.steps(), 1, value.get()));
            }
        }
        return projected;
    }

    /** Builds the projection of one nested path onto what earlier paths projected; list elements keep their order. */
    private static Value merge(Value existing, List<Path.Step> steps, int index, Value value) {
        if (index == steps.size()) {
            return value;
        }
        Path.Step step = steps.get(index);
        if (step instanceof Path.Step.Attribute attribute) {
            Map<String, Value> entries = existing instanceof Value.M map ? new LinkedHashMap<>(map.values()) : new LinkedHashMap<>();
            entries.put(attribute.name(), merge(entries.get(attribute.name()), steps, index + 1, value));
            return new Value.M(entries);
        }
        List<Value> elements = existing instanceof Value.L list ? new ArrayList<>(list.values()) : new ArrayList<>();
        elements.add(merge(null, steps, index + 1, value));
        return new Value.L(elements);
    }

    private static ExpressionException invalidPath() {
        return new ExpressionException("The document path provided in the update expression is invalid for update");
    }
}
