package dev.usersapi.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns the records Lambda delivers from a DynamoDB stream into {@link Change}s. */
final class StreamRecords {
    /** Who deletes an item when its time to live passes. */
    private static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

    private StreamRecords() {}

    static Change change(DynamodbEvent.DynamodbStreamRecord record) {
        var stream = record.getDynamodb();
        Map<String, AttributeValue> before = orEmpty(stream.getOldImage());
        Map<String, AttributeValue> after = orEmpty(stream.getNewImage());
        Map<String, Change.Difference> differences = new LinkedHashMap<>();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            Optional<Object> old = Optional.ofNullable(before.get(name)).map(StreamRecords::plain);
            Optional<Object> now = Optional.ofNullable(after.get(name)).map(StreamRecords::plain);
            if (!old.equals(now)) {
                differences.put(name, new Change.Difference(old, now));
            }
        }
        Map<String, Object> keys = new TreeMap<>();
        orEmpty(stream.getKeys()).forEach((name, value) -> keys.put(name, plain(value)));
        return new Change(record.getEventID(), record.getEventName(), stream.getSequenceNumber(), keys, differences,
                "REMOVE".equals(record.getEventName()) && isTimeToLive(record.getUserIdentity()));
    }

    private static boolean isTimeToLive(Identity identity) {
        return identity != null && "Service".equals(identity.getType()) && TTL_PRINCIPAL.equals(identity.getPrincipalId());
    }

    /** An attribute's value as plain Java, so equal values compare equal whatever their wrapper. */
    static Object plain(AttributeValue value) {
        if (value.getS() != null) return value.getS();
        if (value.getN() != null) return new BigDecimal(value.getN()).stripTrailingZeros();
        if (value.getBOOL() != null) return value.getBOOL();
        if (Boolean.TRUE.equals(value.getNULL())) return Change.NULL;
        if (value.getB() != null) return base64(value.getB());
        if (value.getM() != null) {
            Map<String, Object> map = new TreeMap<>();
            value.getM().forEach((name, member) -> map.put(name, plain(member)));
            return map;
        }
        if (value.getL() != null) return value.getL().stream().map(StreamRecords::plain).toList();
        if (value.getSS() != null) return List.copyOf(new TreeSet<>(value.getSS()));
        if (value.getNS() != null) {
            TreeSet<BigDecimal> numbers = new TreeSet<>();
            value.getNS().forEach(number -> numbers.add(new BigDecimal(number).stripTrailingZeros()));
            return List.copyOf(numbers);
        }
        if (value.getBS() != null) {
            List<String> encoded = new ArrayList<>();
            value.getBS().forEach(bytes -> encoded.add(base64(bytes)));
            return List.copyOf(new TreeSet<>(encoded));
        }
        return Change.NULL;
    }

    private static String base64(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return Base64.getEncoder().encodeToString(array);
    }

    private static <V> Map<String, V> orEmpty(Map<String, V> map) {
        return map == null ? Map.of() : map;
    }
}
