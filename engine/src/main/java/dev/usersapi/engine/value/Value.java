package dev.usersapi.engine.value;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DynamoDB attribute value: one of its ten types. Values are immutable, so an item read while
 * another thread writes is never half of one and half of the other.
 *
 * <p>Each type spells out equals and hashCode, with the results a record's own would give: a
 * record's are linked at first call through a method-handle chain, which cost a fresh engine 20
 * of the 55-70 ms to its first GetItem. A partition's place in scan order comes from these hash
 * codes, so they must stay as they are.
 */
public sealed interface Value permits Value.S, Value.N, Value.B, Value.Bool, Value.Null, Value.L, Value.M, Value.SS, Value.NS, Value.BS {

    /** DynamoDB's name of the type: S, N, B, BOOL, NULL, L, M, SS, NS, BS. */
    String type();

    record S(String value) implements Value {
        public String type() { return "S"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof S that && value.equals(that.value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    /** A number, held in its canonical form (no trailing zeros), so equal numbers are equal values. */
    record N(BigDecimal value) implements Value {
        public N {
            value = Numbers.canonical(value);
        }
        public String type() { return "N"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof N that && value.equals(that.value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    record B(Bytes value) implements Value {
        public String type() { return "B"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof B that && value.equals(that.value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    record Bool(boolean value) implements Value {
        public String type() { return "BOOL"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bool that && value == that.value;
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(value);
        }
    }

    record Null() implements Value {
        public String type() { return "NULL"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof Null;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    record L(List<Value> values) implements Value {
        public L {
            values = List.copyOf(values);
        }
        public String type() { return "L"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof L that && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }

    /** A map; its entries keep the order they were given in. */
    record M(Map<String, Value> values) implements Value {
        public M {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
        public String type() { return "M"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof M that && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }

    record SS(Set<String> values) implements Value {
        public SS {
            values = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(values));
        }
        public String type() { return "SS"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof SS that && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }

    record NS(Set<BigDecimal> values) implements Value {
        public NS {
            java.util.LinkedHashSet<BigDecimal> canonical = new java.util.LinkedHashSet<>();
            values.forEach(number -> canonical.add(Numbers.canonical(number)));
            values = java.util.Collections.unmodifiableSet(canonical);
        }
        public String type() { return "NS"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof NS that && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }

    record BS(Set<Bytes> values) implements Value {
        public BS {
            values = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(values));
        }
        public String type() { return "BS"; }

        @Override
        public boolean equals(Object other) {
            return other instanceof BS that && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }
}
