package dev.usersapi.engine.expression;

import java.util.List;

/** A condition, filter or key condition expression, parsed. */
public sealed interface Condition permits Condition.Compare, Condition.Between, Condition.In, Condition.Function,
        Condition.Not, Condition.And, Condition.Or {

    enum Comparator {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }
    }

    record Compare(Comparator comparator, Operand left, Operand right) implements Condition {}
    record Between(Operand subject, Operand lower, Operand upper) implements Condition {}
    record In(Operand subject, List<Operand> candidates) implements Condition {}
    /** attribute_exists, attribute_not_exists, attribute_type, begins_with, contains. */
    record Function(String name, List<Operand> arguments) implements Condition {}
    record Not(Condition condition) implements Condition {}
    record And(Condition left, Condition right) implements Condition {}
    record Or(Condition left, Condition right) implements Condition {}
}
