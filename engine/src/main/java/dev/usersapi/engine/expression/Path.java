package dev.usersapi.engine.expression;

import java.util.List;

/** A document path, {@code a.b[3].c}: attribute names and list indexes, placeholders already resolved. */
public record Path(List<Step> steps) {
    public Path {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !(steps.get(0) instanceof Step.Attribute)) {
            throw new IllegalArgumentException("a path starts with an attribute name");
        }
    }

    public sealed interface Step permits Step.Attribute, Step.Index {
        record Attribute(String name) implements Step {}
        record Index(int position) implements Step {}
    }

    public static Path of(String attribute) {
        return new Path(List.of(new Step.Attribute(attribute)));
    }

    /** The top-level attribute this path reads or writes. */
    public String attribute() {
        return ((Step.Attribute) steps.get(0)).name();
    }

    public boolean isTopLevel() {
        return steps.size() == 1;
    }

    /** True when one path is a prefix of the other (or they are the same): DynamoDB's overlap. */
    public boolean overlaps(Path other) {
        int common = Math.min(steps.size(), other.steps.size());
        return steps.subList(0, common).equals(other.steps.subList(0, common));
    }

    /**
     * True when the paths part where one takes a list element and the other a map member: they
     * disagree on what the value there is.
     */
    public boolean conflicts(Path other) {
        int common = Math.min(steps.size(), other.steps.size());
        for (int i = 0; i < common; i++) {
            Step mine = steps.get(i);
            Step theirs = other.steps.get(i);
            if (!mine.equals(theirs)) {
                return mine.getClass() != theirs.getClass();
            }
        }
        return false;
    }

    /** DynamoDB's way of printing a path in its messages: {@code [a, b, [3]]}. */
    public String describe() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            Step step = steps.get(i);
            text.append(step instanceof Step.Attribute attribute ? attribute.name() : "[" + ((Step.Index) step).position() + "]");
        }
        return text.append(']').toString();
    }
}
