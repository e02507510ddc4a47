package dev.usersapi.api;

import java.math.BigInteger;

/** A member's value in a request body. Request bodies are flat, so nested values are only named. */
sealed interface JsonMember {
    record Text(String value) implements JsonMember {}

    record Integer(BigInteger value) implements JsonMember {}

    record Fraction(String literal) implements JsonMember {}

    record Bool(boolean value) implements JsonMember {}

    record Null() implements JsonMember {}

    /** An object or an array: never valid in these bodies, so only its kind is kept. */
    record Nested(String kind) implements JsonMember {}

    /** How the value reads in an error message: "a string", "an object". */
    default String kind() {
        if (this instanceof Text) return "a string";
        if (this instanceof Integer) return "an integer";
        if (this instanceof Fraction) return "a fractional number";
        if (this instanceof Bool) return "a boolean";
        if (this instanceof Null) return "null";
        return ((Nested) this).kind();
    }
}
