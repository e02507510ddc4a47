package dev.usersapi.engine.value;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DynamoDB attribute value: one of its ten types. Values are immutable, so an item read while
 * another thread writes is never half of one and half of the other.
 */
public sealed interface Value permits Value.S, Value.N, Value.B, Value.Bool, Value.Null, Value.L, Value.M, Value.SS, Value.NS, Value.BS {

    /** DynamoDB's name of the type: S, N, B, BOOL, NULL, L, M, SS, NS, BS. */
    String type();

    record S(String value) implements Value {
        public String type() { return "S"; }
    }

    /** A number, held in its canonical form (no trailing zeros), so equal numbers are equal values. */
    record N(BigDecimal value) implements Value {
        public N {
            value = Numbers.canonical(value);
        }
        public String type() { return "N"; }
    }

    record B(Bytes value) implements Value {
        public String type() { return "B"; }
    }

    record Bool(boolean value) implements Value {
        public String type() { return "BOOL"; }
    }

    record Null() implements Value {
        public String type() { return "NULL"; }
    }

    record L(List<Value> values) implements Value {
        public L {
            values = List.copyOf(values);
        }
        public String type() { return "L"; }
    }

    /** A map; its entries keep the order they were given in. */
    record M(Map<String, Value> values) implements Value {
        public M {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
        public String type() { return "M"; }
    }

    record SS(Set<String> values) implements Value {
        public SS {
            values = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(values));
        }
        public String type() { return "SS"; }
    }

    record NS(Set<BigDecimal> values) implements Value {
        public NS {
            java.util.LinkedHashSet<BigDecimal> canonical = new java.util.LinkedHashSet<>();
            values.forEach(number -> canonical.add(Numbers.canonical(number)));
            values = java.util.Collections.unmodifiableSet(canonical);
        }
        public String type() { return "NS"; }
    }

    record BS(Set<Bytes> values) implements Value {
        public BS {
            values = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(values));
        }
        public String type() { return "BS"; }
    }
}
