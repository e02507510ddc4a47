package dev.usersapi.engine.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attribute values in DynamoDB's JSON form ({"S": "..."}, {"N": "1"}, ...), read with its checks and written back. */
public final class AttributeValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS");

    private AttributeValues() {}

    public static Map<String, Value> item(JsonNode json) {
        Map<String, Value> item = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            item.put(field.getKey(), read(field.getValue()));
        }
        return item;
    }

    public static Value read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new InvalidValueException("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        List<String> present = new ArrayList<>();
        json.fieldNames().forEachRemaining(name -> {
            if (TYPES.contains(name) && !json.get(name).isNull()) {
                present.add(name);
            }
        });
        if (present.isEmpty()) {
            throw new InvalidValueException("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (present.size() > 1) {
            // DynamoDB checks each value given before it counts them: a bad number among two types is refused as a bad number.
            present.forEach(type -> typed(type, json.get(type)));
            throw new InvalidValueException("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }
        String type = present.get(0);
        return typed(type, json.get(type));
    }

    private static Value typed(String type, JsonNode content) {
        return switch (type) {
            case "S" -> new Value.S(text(content));
            case "N" -> new Value.N(Numbers.parse(text(content)));
            case "B" -> new Value.B(binary(content));
            case "BOOL" -> new Value.Bool(content.asBoolean());
            case "NULL" -> {
                if (!content.asBoolean()) {
                    throw new InvalidValueException("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                yield new Value.Null();
            }
            case "L" -> {
                List<Value> values = new ArrayList<>();
                content.forEach(element -> values.add(read(element)));
                yield new Value.L(values);
            }
            case "M" -> new Value.M(item(content));
            case "SS" -> {
                Set<String> strings = new LinkedHashSet<>();
                content.forEach(element -> strings.add(text(element)));
                checkSet(strings.size(), content.size(), "string", content);
                yield new Value.SS(strings);
            }
            case "NS" -> {
                Set<BigDecimal> numbers = new LinkedHashSet<>();
                content.forEach(element -> numbers.add(Numbers.parse(text(element))));
                checkSet(numbers.size(), content.size(), "number", content);
                yield new Value.NS(numbers);
            }
            case "BS" -> {
                Set<Bytes> binaries = new LinkedHashSet<>();
                content.forEach(element -> binaries.add(binary(element)));
                checkSet(binaries.size(), content.size(), "binary", content);
                yield new Value.BS(binaries);
            }
            default -> throw new IllegalStateException(type);
        };
    }

    private static void checkSet(int distinct, int given, String kind, JsonNode content) {
        if (given == 0) {
            throw new InvalidValueException(kind.equals("binary") ? "One or more parameter values were invalid: Binary sets should not be empty"
                    : "One or more parameter values were invalid: An " + kind + " set  may not be empty");
        }
        if (distinct != given) {
            // DynamoDB shows the strings and binaries it found twice, but not the numbers.
            if (kind.equals("number")) {
                throw new InvalidValueException("Input collection contains duplicates");
            }
            List<String> shown = new ArrayList<>();
            content.forEach(element -> shown.add(element.asText()));
            // The binary message has no space before "of type": DynamoDB's text, kept as it is.
            throw new InvalidValueException("One or more parameter values were invalid: Input collection " + shown
                    + (kind.equals("binary") ? "of type BS" : "") + " contains duplicates.");
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : node.asText();
    }

    private static Bytes binary(JsonNode node) {
        try {
            return Bytes.fromBase64(node.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("Invalid Base64 in a binary value");
        }
    }

    /**
     * An item as the engine stored it, read with the streaming parser straight into values: no
     * tree in between, half the garbage of {@link #item} when a reopen reads every item. Stored
     * items were checked when written, so nothing is checked again.
     */
    public static Map<String, Value> stored(com.fasterxml.jackson.core.JsonParser parser) throws java.io.IOException {
        if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            throw new java.io.IOException("a stored item is not a JSON object");
        }
        return storedMap(parser);
    }

    /**
     * Only the named top-level attributes of a stored item, read until the last of them is found:
     * the store writes them first ({@code leading} in the store's put), so a reopen reads the keys
     * of an item and skips the rest, whose strings the parser never decodes.
     */
    public static Map<String, Value> storedAttributes(com.fasterxml.jackson.core.JsonParser parser, Set<String> names) throws java.io.IOException {
        if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            throw new java.io.IOException("a stored item is not a JSON object");
        }
        Map<String, Value> found = new java.util.HashMap<>();
        while (found.size() < names.size() && parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (names.contains(name)) {
                found.put(name, storedValue(parser));
            } else {
                parser.skipChildren();
            }
        }
        // Kept for the item's life after a reopen: the compact immutable form, a third of a HashMap's size.
        return Map.copyOf(found);
    }

    private static Map<String, Value> storedMap(com.fasterxml.jackson.core.JsonParser parser) throws java.io.IOException {
        Map<String, Value> item = new LinkedHashMap<>();
        while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            item.put(name, storedValue(parser));
        }
        return item;
    }

    /** One value, the parser on its START_OBJECT; leaves it on the matching END_OBJECT. */
    private static Value storedValue(com.fasterxml.jackson.core.JsonParser parser) throws java.io.IOException {
        parser.nextToken();
        String type = parser.currentName();
        com.fasterxml.jackson.core.JsonToken content = parser.nextToken();
        Value value = switch (type) {
            case "S" -> new Value.S(parser.getText());
            case "N" -> new Value.N(Numbers.parse(parser.getText()));
            case "B" -> new Value.B(Bytes.fromBase64(parser.getText()));
            case "BOOL" -> new Value.Bool(content == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE);
            case "NULL" -> new Value.Null();
            case "M" -> new Value.M(storedMap(parser));
            case "L" -> {
                List<Value> values = new ArrayList<>();
                while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    values.add(storedValue(parser));
                }
                yield new Value.L(values);
            }
            case "SS" -> {
                Set<String> strings = new LinkedHashSet<>();
                while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    strings.add(parser.getText());
                }
                yield new Value.SS(strings);
            }
            case "NS" -> {
                Set<BigDecimal> numbers = new LinkedHashSet<>();
                while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    numbers.add(Numbers.parse(parser.getText()));
                }
                yield new Value.NS(numbers);
            }
            case "BS" -> {
                Set<Bytes> binaries = new LinkedHashSet<>();
                while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    binaries.add(Bytes.fromBase64(parser.getText()));
                }
                yield new Value.BS(binaries);
            }
            default -> throw new java.io.IOException("a stored value of unknown type " + type);
        };
        if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
            throw new java.io.IOException("a stored value with more than its type");
        }
        return value;
    }

    /** An item with the {@code leading} attributes it has written first, then the others in its order. */
    public static ObjectNode write(Map<String, Value> item, java.util.Collection<String> leading) {
        ObjectNode json = NODES.objectNode();
        for (String name : leading) {
            Value value = item.get(name);
            if (value != null) {
                json.set(name, write(value));
            }
        }
        item.forEach((name, value) -> {
            if (!json.has(name)) {
                json.set(name, write(value));
            }
        });
        return json;
    }

    public static ObjectNode write(Map<String, Value> item) {
        ObjectNode json = NODES.objectNode();
        item.forEach((name, value) -> json.set(name, write(value)));
        return json;
    }

    public static ObjectNode write(Value value) {
        ObjectNode json = NODES.objectNode();
        if (value instanceof Value.S s) {
            json.put("S", s.value());
        } else if (value instanceof Value.N n) {
            json.put("N", Numbers.text(n.value()));
        } else if (value instanceof Value.B b) {
            json.put("B", b.value().base64());
        } else if (value instanceof Value.Bool bool) {
            json.put("BOOL", bool.value());
        } else if (value instanceof Value.Null) {
            json.put("NULL", true);
        } else if (value instanceof Value.L list) {
            ArrayNode array = json.putArray("L");
            list.values().forEach(element -> array.add(write(element)));
        } else if (value instanceof Value.M map) {
            json.set("M", write(map.values()));
        } else if (value instanceof Value.SS set) {
            ArrayNode array = json.putArray("SS");
            set.values().forEach(array::add);
        } else if (value instanceof Value.NS set) {
            ArrayNode array = json.putArray("NS");
            set.values().forEach(number -> array.add(Numbers.text(number)));
        } else if (value instanceof Value.BS set) {
            ArrayNode array = json.putArray("BS");
            set.values().forEach(bytes -> array.add(bytes.base64()));
        }
        return json;
    }
}
