package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Value;
import java.util.List;

/** An update expression, parsed: its actions in the order written. */
public record Update(List<Action> actions) {
    public Update {
        actions = List.copyOf(actions);
    }

    /**
     * Whether every action only takes something away (REMOVE, or DELETE from a set): such an
     * update of an item that does not exist creates none, as DynamoDB does (dynalite creates an
     * item of the key alone).
     */
    public boolean takesAwayOnly() {
        return actions.stream().allMatch(action -> action instanceof Remove || action instanceof Delete);
    }

    public sealed interface Action permits Set, Remove, Add, Delete {
        Path path();
    }

    public record Set(Path path, SetValue value) implements Action {}
    public record Remove(Path path) implements Action {}
    public record Add(Path path, Value value) implements Action {}
    public record Delete(Path path, Value value) implements Action {}

    /** The right-hand side of a SET: an operand, or two added or subtracted. */
    public sealed interface SetValue permits Single, Plus, Minus {}
    public record Single(SetOperand operand) implements SetValue {}
    public record Plus(SetOperand left, SetOperand right) implements SetValue {}
    public record Minus(SetOperand left, SetOperand right) implements SetValue {}

    public sealed interface SetOperand permits PathValue, Literal, IfNotExists, ListAppend {}
    public record PathValue(Path path) implements SetOperand {}
    public record Literal(Value value) implements SetOperand {}
    public record IfNotExists(Path path, SetOperand fallback) implements SetOperand {}
    public record ListAppend(SetOperand first, SetOperand second) implements SetOperand {}
}
