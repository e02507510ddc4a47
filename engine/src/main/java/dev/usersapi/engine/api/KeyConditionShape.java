package dev.usersapi.engine.api;

import dev.usersapi.engine.expression.Condition;
import dev.usersapi.engine.expression.Operand;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a KeyConditionExpression may say whatever the table (API reference, Query:
 * KeyConditionExpression): conditions joined by AND, each on one top-level attribute with =, <,
 * <=, >, >=, BETWEEN or begins_with, one per attribute; checked before the table is looked for,
 * with DynamoDB's messages (as dynalite's suite records them). A comparison written value first
 * ({@code :v < sk}) is turned round.
 */
final class KeyConditionShape {
    private KeyConditionShape() {}

    static Condition check(Condition condition) {
        // More than two attributes are a multi-attribute index key's; which the table has decides.
        return check(condition, new HashSet<>());
    }

    private static Condition check(Condition condition, Set<String> keys) {
        if (condition instanceof Condition.And and) {
            return new Condition.And(check(and.left(), keys), check(and.right(), keys));
        }
        if (condition instanceof Condition.Or || condition instanceof Condition.Not || condition instanceof Condition.In) {
            throw invalid("Invalid operator used in KeyConditionExpression: "
                    + (condition instanceof Condition.Or ? "OR" : condition instanceof Condition.Not ? "NOT" : "IN"));
        }
        List<Operand> operands;
        if (condition instanceof Condition.Function function) {
            if (!function.name().equals("begins_with")) {
                throw invalid("Invalid operator used in KeyConditionExpression: " + function.name());
            }
            if (!(function.arguments().get(0) instanceof Operand.Attribute)) {
                throw invalid(function.arguments().get(0) instanceof Operand.Size ? "KeyConditionExpressions cannot contain nested operations"
                        : "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
            }
            operands = function.arguments();
        } else if (condition instanceof Condition.Between between) {
            if (!(between.subject() instanceof Operand.Attribute)) {
                throw invalid(between.subject() instanceof Operand.Size ? "KeyConditionExpressions cannot contain nested operations"
                        : "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
            }
            operands = List.of(between.subject(), between.lower(), between.upper());
        } else {
            Condition.Compare compare = (Condition.Compare) condition;
            if (compare.comparator() == Condition.Comparator.NE) {
                throw invalid("Invalid operator used in KeyConditionExpression: <>");
            }
            operands = List.of(compare.left(), compare.right());
        }
        String attribute = null;
        int position = 0;
        for (int i = 0; i < operands.size(); i++) {
            Operand operand = operands.get(i);
            if (operand instanceof Operand.Size) {
                throw invalid("KeyConditionExpressions cannot contain nested operations");
            }
            if (operand instanceof Operand.Attribute path) {
                if (attribute != null) {
                    throw invalid("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
                }
                if (!path.path().isTopLevel()) {
                    throw invalid("KeyConditionExpressions cannot have conditions on nested attributes");
                }
                attribute = path.path().attribute();
                position = i;
            }
        }
        if (attribute == null) {
            throw invalid("Invalid condition in KeyConditionExpression: No key attribute specified");
        }
        if (!keys.add(attribute)) {
            throw invalid("KeyConditionExpressions must only contain one condition per key");
        }
        if (position == 1 && condition instanceof Condition.Compare compare) {
            return new Condition.Compare(turned(compare.comparator()), compare.right(), compare.left());
        }
        return condition;
    }

    private static Condition.Comparator turned(Condition.Comparator comparator) {
        return switch (comparator) {
            case LT -> Condition.Comparator.GT;
            case LE -> Condition.Comparator.GE;
            case GT -> Condition.Comparator.LT;
            case GE -> Condition.Comparator.LE;
            default -> comparator;
        };
    }

    private static DynamoDbException invalid(String message) {
        return DynamoDbException.validation(message);
    }
}
