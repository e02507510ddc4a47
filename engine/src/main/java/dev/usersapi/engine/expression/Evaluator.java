package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Bytes;
import dev.usersapi.engine.value.Numbers;
import dev.usersapi.engine.value.Ordering;
import dev.usersapi.engine.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Conditions tested and updates applied as the developer guide describes them: a comparison
 * with a missing attribute or of two types that have no order is false; every operand of an
 * update reads the item as it was before the update.
 */
public final class Evaluator {
    static final Set<String> TYPE_NAMES = Set.of("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS");

    private Evaluator() {}

    /** {@code kind} names the expression in messages, as in "Invalid ConditionExpression: ...". */
    public static boolean test(Condition condition, Map<String, Value> item, String kind) {
        if (condition instanceof Condition.And and) {
            return test(and.left(), item, kind) && test(and.right(), item, kind);
        }
        if (condition instanceof Condition.Or or) {
            return test(or.left(), item, kind) || test(or.right(), item, kind);
        }
        if (condition instanceof Condition.Not not) {
            return !test(not.condition(), item, kind);
        }
        if (condition instanceof Condition.Compare compare) {
            Optional<Value> left = operand(compare.left(), item);
            Optional<Value> right = operand(compare.right(), item);
            if (left.isEmpty() || right.isEmpty()) {
                // Two missing attributes compare as equal (so =, <= and >= hold); one missing is only unequal.
                boolean bothMissing = left.isEmpty() && right.isEmpty();
                return switch (compare.comparator()) {
                    case EQ, LE, GE -> bothMissing;
                    case NE -> !bothMissing;
                    default -> false;
                };
            }
            return switch (compare.comparator()) {
                case EQ -> left.get().equals(right.get());
                case NE -> !left.get().equals(right.get());
                case LT -> Ordering.compare(left.get(), right.get()).map(c -> c < 0).orElse(false);
                case LE -> Ordering.compare(left.get(), right.get()).map(c -> c <= 0).orElse(false);
                case GT -> Ordering.compare(left.get(), right.get()).map(c -> c > 0).orElse(false);
                case GE -> Ordering.compare(left.get(), right.get()).map(c -> c >= 0).orElse(false);
            };
        }
        if (condition instanceof Condition.Between between) {
            Optional<Value> subject = operand(between.subject(), item);
            Optional<Value> lower = operand(between.lower(), item);
            Optional<Value> upper = operand(between.upper(), item);
            checkBounds(between, kind, item);
            if (subject.isEmpty() || lower.isEmpty() || upper.isEmpty()) {
                return false;
            }
            return Ordering.compare(lower.get(), subject.get()).map(c -> c <= 0).orElse(false)
                    && Ordering.compare(subject.get(), upper.get()).map(c -> c <= 0).orElse(false);
        }
        if (condition instanceof Condition.In in) {
            Optional<Value> subject = operand(in.subject(), item);
            // IN matches scalars (strings, numbers, binaries), as the comparators order them.
            if (subject.isEmpty() || !(subject.get() instanceof Value.S || subject.get() instanceof Value.N || subject.get() instanceof Value.B)) {
                return false;
            }
            for (Operand candidate : in.candidates()) {
                if (operand(candidate, item).filter(subject.get()::equals).isPresent()) {
                    return true;
                }
            }
            return false;
        }
        return function((Condition.Function) condition, item, kind);
    }

    /** DynamoDB's rules on BETWEEN's bounds: of one type, the lower not above the upper. */
    static void checkBounds(Condition.Between between, String kind, Map<String, Value> item) {
        Optional<Value> lower = operand(between.lower(), item);
        Optional<Value> upper = operand(between.upper(), item);
        if (lower.isEmpty() || upper.isEmpty()) {
            return;
        }
        if (!lower.get().type().equals(upper.get().type())) {
            throw new ExpressionException("Invalid " + kind + ": The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: "
                    + describe(lower.get()) + ", upper bound operand: AttributeValue: " + describe(upper.get()));
        }
        Optional<Integer> bounds = Ordering.compare(lower.get(), upper.get());
        if (bounds.isPresent() && bounds.get() > 0) {
            throw new ExpressionException("Invalid " + kind + ": The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: "
                    + describe(lower.get()) + ", upper bound operand: AttributeValue: " + describe(upper.get()));
        }
    }

    private static boolean function(Condition.Function function, Map<String, Value> item, String kind) {
        // attribute_exists, attribute_not_exists and attribute_type name an attribute; begins_with and contains may read a value.
        Optional<Value> subject = operand(function.arguments().get(0), item);
        switch (function.name()) {
            case "attribute_exists":
                return subject.isPresent();
            case "attribute_not_exists":
                return subject.isEmpty();
            case "attribute_type": {
                Optional<Value> type = operand(function.arguments().get(1), item);
                if (type.isEmpty() || !(type.get() instanceof Value.S name) || !TYPE_NAMES.contains(name.value())) {
                    throw new ExpressionException("Invalid " + kind + ": Invalid attribute type name found; type: "
                            + type.map(value -> value instanceof Value.S text ? text.value() : describe(value)).orElse("null") + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
                }
                return subject.map(value -> value.type().equals(name.value())).orElse(false);
            }
            case "begins_with": {
                Optional<Value> prefix = operand(function.arguments().get(1), item);
                if (subject.isEmpty() || prefix.isEmpty()) {
                    return false;
                }
                if (subject.get() instanceof Value.S text && prefix.get() instanceof Value.S start) {
                    return text.value().startsWith(start.value());
                }
                if (subject.get() instanceof Value.B bytes && prefix.get() instanceof Value.B start) {
                    return bytes.value().startsWith(start.value());
                }
                return false;
            }
            default: {
                Optional<Value> part = operand(function.arguments().get(1), item);
                if (subject.isEmpty() || part.isEmpty()) {
                    return false;
                }
                return contains(subject.get(), part.get());
            }
        }
    }

    private static boolean contains(Value whole, Value part) {
        if (whole instanceof Value.S text) {
            return part instanceof Value.S s && text.value().contains(s.value());
        }
        if (whole instanceof Value.B bytes) {
            return part instanceof Value.B b && bytes.value().contains(b.value());
        }
        if (whole instanceof Value.SS set) {
            return part instanceof Value.S s && set.values().contains(s.value());
        }
        if (whole instanceof Value.NS set) {
            return part instanceof Value.N n && set.values().contains(n.value());
        }
        if (whole instanceof Value.BS set) {
            return part instanceof Value.B b && set.values().contains(b.value());
        }
        if (whole instanceof Value.L list) {
            return list.values().contains(part);
        }
        return false;
    }

    private static Optional<Value> operand(Operand operand, Map<String, Value> item) {
        if (operand instanceof Operand.Literal literal) {
            return Optional.of(literal.value());
        }
        if (operand instanceof Operand.Attribute attribute) {
            return Documents.get(item, attribute.path());
        }
        return Documents.get(item, ((Operand.Size) operand).path()).flatMap(Evaluator::size)
                .map(size -> new Value.N(BigDecimal.valueOf(size)));
    }

    private static Optional<Long> size(Value value) {
        if (value instanceof Value.S text) {
            return Optional.of((long) text.value().codePointCount(0, text.value().length()));
        }
        if (value instanceof Value.B bytes) {
            return Optional.of((long) bytes.value().length());
        }
        if (value instanceof Value.SS set) {
            return Optional.of((long) set.values().size());
        }
        if (value instanceof Value.NS set) {
            return Optional.of((long) set.values().size());
        }
        if (value instanceof Value.BS set) {
            return Optional.of((long) set.values().size());
        }
        if (value instanceof Value.L list) {
            return Optional.of((long) list.values().size());
        }
        if (value instanceof Value.M map) {
            return Optional.of((long) map.values().size());
        }
        return Optional.empty();
    }

    /** The item after the update; operands read {@code item} as it was before. */
    public static Map<String, Value> apply(Update update, Map<String, Value> item) {
        Map<String, Value> result = item;
        for (Update.Action action : inListOrder(update.actions())) {
            if (action instanceof Update.Set set) {
                result = Documents.set(result, set.path(), setValue(set.value(), item));
            } else if (action instanceof Update.Remove remove) {
                result = Documents.remove(result, remove.path());
            } else if (action instanceof Update.Add add) {
                Optional<Value> current = Documents.get(item, add.path());
                result = Documents.set(result, add.path(), current.isEmpty() ? add.value() : add(current.get(), add.value()));
            } else {
                Update.Delete delete = (Update.Delete) action;
                Optional<Value> current = Documents.get(item, delete.path());
                if (current.isPresent()) {
                    Optional<Value> left = difference(current.get(), delete.value());
                    result = left.isPresent() ? Documents.set(result, delete.path(), left.get()) : Documents.remove(result, delete.path());
                }
            }
        }
        return result;
    }

    /**
     * The actions, with the SETs and ADDs of one list's elements taken in the order of their
     * indexes, where the first of them is: each reads the item as it was, so only where they
     * write changes. Elements written past the list's end so land in index order, as DynamoDB
     * places them ("SET c[4] = :x, c[2] = :y" of a two-element list appends :y, then :x; dynalite's
     * suite records it: updateItem, "should update nested attributes").
     */
    private static List<Update.Action> inListOrder(List<Update.Action> actions) {
        java.util.Map<Path, List<Update.Action>> byList = new java.util.LinkedHashMap<>();
        for (Update.Action action : actions) {
            listOf(action).ifPresent(list -> byList.computeIfAbsent(list, any -> new java.util.ArrayList<>()).add(action));
        }
        if (byList.values().stream().allMatch(writes -> writes.size() < 2)) {
            return actions;
        }
        List<Update.Action> ordered = new java.util.ArrayList<>(actions.size());
        for (Update.Action action : actions) {
            Optional<Path> list = listOf(action);
            if (list.isEmpty()) {
                ordered.add(action);
            } else if (byList.containsKey(list.get())) {
                List<Update.Action> writes = byList.remove(list.get());
                writes.sort(java.util.Comparator.comparingInt(write -> ((Path.Step.Index) write.path().steps().get(write.path().steps().size() - 1)).position()));
                ordered.addAll(writes);
            }
        }
        return ordered;
    }

    /** The list whose element a SET or ADD writes, if it writes one. */
    private static Optional<Path> listOf(Update.Action action) {
        List<Path.Step> steps = action.path().steps();
        if (!(action instanceof Update.Set || action instanceof Update.Add) || !(steps.get(steps.size() - 1) instanceof Path.Step.Index)) {
            return Optional.empty();
        }
        return Optional.of(new Path(steps.subList(0, steps.size() - 1)));
    }

    private static Value setValue(Update.SetValue value, Map<String, Value> item) {
        if (value instanceof Update.Single single) {
            return setOperand(single.operand(), item);
        }
        boolean plus = value instanceof Update.Plus;
        Value left = setOperand(plus ? ((Update.Plus) value).left() : ((Update.Minus) value).left(), item);
        Value right = setOperand(plus ? ((Update.Plus) value).right() : ((Update.Minus) value).right(), item);
        if (!(left instanceof Value.N a) || !(right instanceof Value.N b)) {
            throw incorrectType();
        }
        BigDecimal result = plus ? a.value().add(b.value(), Numbers.PRECISION) : a.value().subtract(b.value(), Numbers.PRECISION);
        return new Value.N(Numbers.checked(result));
    }

    private static Value setOperand(Update.SetOperand operand, Map<String, Value> item) {
        if (operand instanceof Update.Literal literal) {
            return literal.value();
        }
        if (operand instanceof Update.PathValue path) {
            return Documents.get(item, path.path()).orElseThrow(() ->
                    new ExpressionException("The provided expression refers to an attribute that does not exist in the item"));
        }
        if (operand instanceof Update.IfNotExists ifNotExists) {
            Optional<Value> current = Documents.get(item, ifNotExists.path());
            return current.isPresent() ? current.get() : setOperand(ifNotExists.fallback(), item);
        }
        Update.ListAppend append = (Update.ListAppend) operand;
        Value first = setOperand(append.first(), item);
        Value second = setOperand(append.second(), item);
        if (!(first instanceof Value.L a) || !(second instanceof Value.L b)) {
            throw incorrectType();
        }
        List<Value> joined = new ArrayList<>(a.values());
        joined.addAll(b.values());
        return new Value.L(joined);
    }

    private static Value add(Value current, Value addition) {
        if (current instanceof Value.N a && addition instanceof Value.N b) {
            return new Value.N(Numbers.checked(a.value().add(b.value(), Numbers.PRECISION)));
        }
        if (current instanceof Value.SS a && addition instanceof Value.SS b) {
            Set<String> union = new LinkedHashSet<>(a.values());
            union.addAll(b.values());
            return new Value.SS(union);
        }
        if (current instanceof Value.NS a && addition instanceof Value.NS b) {
            Set<BigDecimal> union = new LinkedHashSet<>(a.values());
            union.addAll(b.values());
            return new Value.NS(union);
        }
        if (current instanceof Value.BS a && addition instanceof Value.BS b) {
            Set<Bytes> union = new LinkedHashSet<>(a.values());
            union.addAll(b.values());
            return new Value.BS(union);
        }
        throw incorrectType();
    }

    /** What is left of a set; empty when nothing is, as DynamoDB then removes the attribute. */
    private static Optional<Value> difference(Value current, Value removal) {
        if (current instanceof Value.SS a && removal instanceof Value.SS b) {
            Set<String> left = new LinkedHashSet<>(a.values());
            left.removeAll(b.values());
            return left.isEmpty() ? Optional.empty() : Optional.of(new Value.SS(left));
        }
        if (current instanceof Value.NS a && removal instanceof Value.NS b) {
            Set<BigDecimal> left = new LinkedHashSet<>(a.values());
            left.removeAll(b.values());
            return left.isEmpty() ? Optional.empty() : Optional.of(new Value.NS(left));
        }
        if (current instanceof Value.BS a && removal instanceof Value.BS b) {
            Set<Bytes> left = new LinkedHashSet<>(a.values());
            left.removeAll(b.values());
            return left.isEmpty() ? Optional.empty() : Optional.of(new Value.BS(left));
        }
        throw incorrectType();
    }

    /** DynamoDB's words for an operand of the wrong type in an update. */
    public static final String INCORRECT_TYPE = "An operand in the update expression has an incorrect data type";

    private static ExpressionException incorrectType() {
        return new ExpressionException(INCORRECT_TYPE);
    }

    /** DynamoDB's way of printing a value in messages: {@code {N:5}}, {@code {S:abc}}. */
    static String describe(Value value) {
        String json = dev.usersapi.engine.json.JsonTrees.text(dev.usersapi.engine.value.AttributeValues.write(value));
        return json.replace("\"", "");
    }
}
