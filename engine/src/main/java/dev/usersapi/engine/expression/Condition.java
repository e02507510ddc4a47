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

    /** The top-level attributes the condition names, each once, in the order it names them. */
    static java.util.Set<String> attributes(Condition condition) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        paths(condition).forEach(path -> names.add(path.attribute()));
        return names;
    }

    /** The document paths the condition reads, in the order it names them. */
    static List<Path> paths(Condition condition) {
        List<Path> paths = new java.util.ArrayList<>();
        collect(condition, paths);
        return paths;
    }

    private static void collect(Condition condition, List<Path> names) {
        java.util.function.Consumer<Operand> operand = each -> {
            if (each instanceof Operand.Attribute attribute) {
                names.add(attribute.path());
            } else if (each instanceof Operand.Size size) {
                names.add(size.path());
            }
        };
        if (condition instanceof Compare compare) {
            operand.accept(compare.left());
            operand.accept(compare.right());
        } else if (condition instanceof Between between) {
            List.of(between.subject(), between.lower(), between.upper()).forEach(operand);
        } else if (condition instanceof In in) {
            operand.accept(in.subject());
            in.candidates().forEach(operand);
        } else if (condition instanceof Function function) {
            function.arguments().forEach(operand);
        } else if (condition instanceof Not not) {
            collect(not.condition(), names);
        } else if (condition instanceof And and) {
            collect(and.left(), names);
            collect(and.right(), names);
        } else if (condition instanceof Or or) {
            collect(or.left(), names);
            collect(or.right(), names);
        }
    }
}
