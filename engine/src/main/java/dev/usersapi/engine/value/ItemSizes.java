package dev.usersapi.engine.value;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Item and value sizes as DynamoDB counts them for its limits and its capacity units (the
 * developer guide, "Item sizes and formats"): names and strings in UTF-8 bytes, binaries in
 * bytes, a number 1 byte per two significant digits plus 1, booleans and nulls 1 byte, lists and
 * maps 3 bytes plus 1 byte per element on top of their contents.
 */
public final class ItemSizes {
    private ItemSizes() {}

    public static long of(Map<String, Value> item) {
        long size = 0;
        for (var attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + of(attribute.getValue());
        }
        return size;
    }

    public static long of(Value value) {
        if (value instanceof Value.S s) {
            return utf8(s.value());
        }
        if (value instanceof Value.N n) {
            return number(n.value());
        }
        if (value instanceof Value.B b) {
            return b.value().length();
        }
        if (value instanceof Value.Bool || value instanceof Value.Null) {
            return 1;
        }
        if (value instanceof Value.L list) {
            long size = 3;
            for (Value element : list.values()) {
                size += 1 + of(element);
            }
            return size;
        }
        if (value instanceof Value.M map) {
            long size = 3;
            for (var entry : map.values().entrySet()) {
                size += 1 + utf8(entry.getKey()) + of(entry.getValue());
            }
            return size;
        }
        if (value instanceof Value.SS set) {
            return set.values().stream().mapToLong(ItemSizes::utf8).sum();
        }
        if (value instanceof Value.NS set) {
            return set.values().stream().mapToLong(ItemSizes::number).sum();
        }
        if (value instanceof Value.BS set) {
            return set.values().stream().mapToLong(Bytes::length).sum();
        }
        throw new IllegalStateException(value.type());
    }

    public static long utf8(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static long number(BigDecimal number) {
        // precision() counts the digits of the unscaled value without printing it, as the digits' text once did.
        int digits = number.signum() == 0 ? 1 : number.stripTrailingZeros().precision();
        return (digits + 1) / 2 + 1;
    }
}
