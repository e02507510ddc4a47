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

    /**
     * Only the given paths of the item, nested as in the item (a ProjectionExpression, or the
     * paths an update wrote for UPDATED_OLD and UPDATED_NEW): paths into one attribute are merged,
     * and a list keeps the elements asked for in the item's order, whatever order they were asked in
     * (dynalite's suite records DynamoDB's: getItem, "should only return requested nested attributes").
     */
    public static Map<String, Value> project(Map<String, Value> item, List<Path> paths) {
        Map<String, Object> projected = new LinkedHashMap<>();
        for (Path path : paths) {
            Optional<Value> value = get(item, path);
            if (value.isEmpty()) {
                continue;
            }
            Object top = projected.get(path.attribute());
            projected.put(path.attribute(), path.isTopLevel() ? value.get() : merge(top, path.steps(), 1, value.get()));
        }
        Map<String, Value> built = new LinkedHashMap<>();
        projected.forEach((name, part) -> built.put(name, build(part)));
        return built;
    }

    /**
     * Adds one nested path's value to what earlier paths projected: a Value where a whole value was
     * taken, a map of member names, or a sorted map of list positions, built into values at the end.
     */
    @SuppressWarnings("unchecked")
    private static Object merge(Object existing, List<Path.Step> steps, int index, Value value) {
        if (existing instanceof Value whole) {
            return whole;
        }
        if (index == steps.size()) {
            return value;
        }
        Path.Step step = steps.get(index);
        if (step instanceof Path.Step.Attribute attribute) {
            Map<String, Object> members = existing instanceof LinkedHashMap<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
            members.put(attribute.name(), merge(members.get(attribute.name()), steps, index + 1, value));
            return members;
        }
        java.util.TreeMap<Integer, Object> elements = existing instanceof java.util.TreeMap<?, ?> map ? (java.util.TreeMap<Integer, Object>) map : new java.util.TreeMap<>();
        int position = ((Path.Step.Index) step).position();
        elements.put(position, merge(elements.get(position), steps, index + 1, value));
        return elements;
    }

    private static Value build(Object part) {
        if (part instanceof Value value) {
            return value;
        }
        if (part instanceof java.util.TreeMap<?, ?> elements) {
            List<Value> list = new ArrayList<>();
            elements.values().forEach(element -> list.add(build(element)));
            return new Value.L(list);
        }
        Map<String, Value> members = new LinkedHashMap<>();
        ((Map<?, ?>) part).forEach((name, member) -> members.put((String) name, build(member)));
        return new Value.M(members);
    }

    private static ExpressionException invalidPath() {
        return new ExpressionException("The document path provided in the update expression is invalid for update");
    }
}
