package dev.usersapi.declaration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of a stack's configuration, read strictly: a key it does not know, a value of
 * the wrong type or out of range is an error naming the full key, never a silent default.
 * Numbers may arrive as Integer (from YAML) or Double (from Pulumi's JSON config); both are read.
 */
public final class ConfigSection {
    private final String where;
    private final Map<String, Object> values;

    public ConfigSection(String where, Map<String, Object> values) {
        this.where = where;
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    static ConfigSection of(String where, Object value) {
        if (value instanceof Map<?, ?> map) {
            return new ConfigSection(where, (Map<String, Object>) map);
        }
        throw new StackDeclarationException(where + " must be a mapping");
    }

    public String where() {
        return where;
    }

    /** The keys this section sets, in the stack file's order. */
    public java.util.List<String> keys() {
        return java.util.List.copyOf(values.keySet());
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public ConfigSection allowOnly(String... keys) {
        Set<String> known = Set.of(keys);
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new StackDeclarationException(where + " has an unknown setting: " + key
                        + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return this;
    }

    public String string(String key) {
        return optionalString(key).orElseThrow(() -> new StackDeclarationException(where + "." + key + " is required"));
    }

    public String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    public Optional<String> optionalString(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text && !text.isBlank()) {
            return Optional.of(text);
        }
        throw new StackDeclarationException(where + "." + key + " must be a non-empty string, got " + value);
    }

    public String oneOf(String key, String fallback, Set<String> allowed) {
        String value = string(key, fallback);
        if (!allowed.contains(value)) {
            throw new StackDeclarationException(where + "." + key + " must be one of " + new TreeSet<>(allowed) + ", got " + value);
        }
        return value;
    }

    public boolean bool(String key, boolean fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new StackDeclarationException(where + "." + key + " must be true or false, got " + value);
    }

    public int integer(String key, int fallback, int min, int max) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && number.doubleValue() >= min && number.doubleValue() <= max) {
            return number.intValue();
        }
        throw new StackDeclarationException(where + "." + key + " must be an integer from " + min + " to " + max + ", got " + value);
    }

    public List<String> strings(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new StackDeclarationException(where + "." + key + " must be a list");
        }
        List<String> strings = new ArrayList<>();
        list.forEach(item -> strings.add(String.valueOf(item)));
        return List.copyOf(strings);
    }

    public ConfigSection section(String key) {
        return optionalSection(key).orElseGet(() -> new ConfigSection(where + "." + key, Map.of()));
    }

    public Optional<ConfigSection> optionalSection(String key) {
        Object value = values.get(key);
        return value == null ? Optional.empty() : Optional.of(of(where + "." + key, value));
    }

    public ConfigSection requiredSection(String key) {
        return optionalSection(key).orElseThrow(() -> new StackDeclarationException(where + " is missing " + key));
    }

    public List<ConfigSection> sections(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new StackDeclarationException(where + "." + key + " must be a list");
        }
        List<ConfigSection> sections = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            sections.add(of(where + "." + key + "[" + i + "]", list.get(i)));
        }
        return sections;
    }

    /** Copies this section's keys into {@code config}; a stack file's keys must all be namespaced. */
    void allowOnlyNamespaced(Map<String, Object> config) {
        for (var entry : values.entrySet()) {
            if (!entry.getKey().contains(":")) {
                throw new StackDeclarationException(where + "." + entry.getKey() + " must be namespaced, such as users-api:"
                        + entry.getKey());
            }
            config.put(entry.getKey(), entry.getValue());
        }
    }

    public Optional<Object> raw(String key) {
        return Optional.ofNullable(values.get(key));
    }
}
