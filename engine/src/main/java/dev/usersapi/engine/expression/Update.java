package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Value;
import java.util.List;

/** An update expression, parsed: its actions in the order written. */
public record Update(List<Action> actions) {
    public Update {
        actions = List.copyOf(actions);
    }

    public sealed interface Action permits Set, Remove, Add, Delete {
        Path path();
    }

    record Set(Path path, SetValue value) implements Action {}
    record Remove(Path path) implements Action {}
    record Add(Path path, Value value) implements Action {}
    record Delete(Path path, Value value) implements Action {}

    /** The right-hand side of a SET: an operand, or two added or subtracted. */
    public sealed interface SetValue permits Single, Plus, Minus {}
    record Single(SetOperand operand) implements SetValue {}
    record Plus(SetOperand left, SetOperand right) implements SetValue {}
    record Minus(SetOperand left, SetOperand right) implements SetValue {}

    public sealed interface SetOperand permits PathValue, Literal, IfNotExists, ListAppend {}
    record PathValue(Path path) implements SetOperand {}
    record Literal(Value value) implements SetOperand {}
    record IfNotExists(Path path, SetOperand fallback) implements SetOperand {}
    record ListAppend(SetOperand first, SetOperand second) implements SetOperand {}
}
