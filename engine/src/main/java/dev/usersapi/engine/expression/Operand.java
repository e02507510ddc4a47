package dev.usersapi.engine.expression;

import dev.usersapi.engine.value.Value;

/** What a comparison compares: an attribute of the item, a literal, or the size of an attribute. */
public sealed interface Operand permits Operand.Attribute, Operand.Literal, Operand.Size {
    record Attribute(Path path) implements Operand {}
    record Literal(Value value) implements Operand {}
    record Size(Path path) implements Operand {}
}
