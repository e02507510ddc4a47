package dev.usersapi.declaration;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One {@code stacks/Pulumi.<stack>.yaml} file. Reading is strict: an unknown key is an error,
 * because a misspelt setting that silently falls back to a default is how tables lose their backups.
 */
public final class StackFile {
    public static final String PROJECT = "users-api";
    public static final String TABLE_KEY = PROJECT + ":table";
    public static final String STREAM_CONSUMER_KEY = PROJECT + ":streamConsumer";

    private static final Set<String> TABLE_FIELDS = Set.of(
            "partitionKey", "sortKey", "billingMode", "ttlAttribute", "retention", "pointInTimeRecovery",
            "deletionProtection", "encryption", "stream", "globalSecondaryIndexes", "localSecondaryIndexes");
    private static final Set<String> KEY_TYPES = Set.of("S", "N", "B");
    private static final Set<String> PROJECTION_TYPES = Set.of("ALL", "KEYS_ONLY", "INCLUDE");
    private static final Set<String> STREAM_VIEWS = Set.of("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY");
    private static final Set<String> BILLING_MODES = Set.of("PAY_PER_REQUEST", "PROVISIONED");

    private final String stack;
    private final Path path;
    private final Map<String, Object> config;

    private StackFile(String stack, Path path, Map<String, Object> config) {
        this.stack = stack;
        this.path = path;
        this.config = config;
    }

    /** Reads {@code Pulumi.<stack>.yaml} from the project's stack directory. */
    public static StackFile load(ProjectLayout layout, String stack) {
        return load(stack, layout.stackFile(stack));
    }

    public static StackFile load(String stack, Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, Object> root = asMap(document, path.getFileName().toString());
            Map<String, Object> config = root.containsKey("config") ? asMap(root.get("config"), "config") : Map.of();
            return new StackFile(stack, path, config);
        } catch (IOException e) {
            throw new StackDeclarationException("cannot read stack file " + path + ": " + e.getMessage(), e);
        }
    }

    public String stack() {
        return stack;
    }

    public Path path() {
        return path;
    }

    /** The raw value of a namespaced config key such as {@code users-api:api}, when the file sets it. */
    public Optional<Object> value(String key) {
        return Optional.ofNullable(config.get(key));
    }

    public TableDeclaration table() {
        Map<String, Object> table = asMap(value(TABLE_KEY).orElseThrow(
                () -> new StackDeclarationException(path + " does not declare " + TABLE_KEY)), TABLE_KEY);
        rejectUnknown(table, TABLE_FIELDS, TABLE_KEY);
        Map<String, Object> encryption = optionalMap(table, "encryption");
        rejectUnknown(encryption, Set.of("enabled", "kmsKeyArn"), TABLE_KEY + ".encryption");
        Map<String, Object> stream = optionalMap(table, "stream");
        rejectUnknown(stream, Set.of("viewType"), TABLE_KEY + ".stream");
        return new TableDeclaration(
                key(required(table, "partitionKey"), TABLE_KEY + ".partitionKey"),
                key(required(table, "sortKey"), TABLE_KEY + ".sortKey"),
                oneOf(stringOr(table, "billingMode", "PAY_PER_REQUEST"), BILLING_MODES, TABLE_KEY + ".billingMode"),
                optionalString(table, "ttlAttribute"),
                retention(table.get("retention")),
                bool(table, "pointInTimeRecovery", false),
                bool(table, "deletionProtection", false),
                new TableDeclaration.Encryption(bool(encryption, "enabled", false), optionalString(encryption, "kmsKeyArn")),
                optionalString(stream, "viewType").map(view -> oneOf(view, STREAM_VIEWS, TABLE_KEY + ".stream.viewType")),
                globalIndexes(table.get("globalSecondaryIndexes")),
                localIndexes(table.get("localSecondaryIndexes")));
    }

    public StreamConsumerDeclaration streamConsumer() {
        Map<String, Object> consumer = value(STREAM_CONSUMER_KEY).map(v -> asMap(v, STREAM_CONSUMER_KEY)).orElse(Map.of());
        rejectUnknown(consumer, Set.of("batchSize", "startingPosition", "maximumRetryAttempts", "maximumRecordAgeSeconds",
                "bisectBatchOnFunctionError"), STREAM_CONSUMER_KEY);
        return new StreamConsumerDeclaration(
                integer(consumer, "batchSize", 100, 1, 10_000),
                oneOf(stringOr(consumer, "startingPosition", "TRIM_HORIZON"), Set.of("TRIM_HORIZON", "LATEST"),
                        STREAM_CONSUMER_KEY + ".startingPosition"),
                integer(consumer, "maximumRetryAttempts", 3, 0, 10_000),
                integer(consumer, "maximumRecordAgeSeconds", 3600, 60, 604_800),
                bool(consumer, "bisectBatchOnFunctionError", true));
    }

    private static int integer(Map<String, Object> map, String field, int fallback, int min, int max) {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer number && number >= min && number <= max) {
            return number;
        }
        throw new StackDeclarationException(STREAM_CONSUMER_KEY + "." + field + " must be an integer from " + min + " to " + max
                + ", got " + value);
    }

    private Optional<Duration> retention(Object value) {
        if (value == null || "off".equals(value)) {
            return Optional.empty();
        }
        try {
            Duration retention = Duration.parse(String.valueOf(value));
            if (retention.isNegative() || retention.isZero()) {
                throw new StackDeclarationException(TABLE_KEY + ".retention must be positive or \"off\", got " + value);
            }
            return Optional.of(retention);
        } catch (DateTimeParseException e) {
            throw new StackDeclarationException(
                    TABLE_KEY + ".retention must be an ISO-8601 duration such as P5D, or \"off\"; got " + value, e);
        }
    }

    private List<TableDeclaration.GlobalIndex> globalIndexes(Object value) {
        List<TableDeclaration.GlobalIndex> indexes = new ArrayList<>();
        for (Map<String, Object> index : listOfMaps(value, TABLE_KEY + ".globalSecondaryIndexes")) {
            String where = TABLE_KEY + ".globalSecondaryIndexes." + index.get("name");
            rejectUnknown(index, Set.of("name", "partitionKey", "sortKey", "projection"), where);
            indexes.add(new TableDeclaration.GlobalIndex(
                    string(index, "name", where),
                    key(required(index, "partitionKey"), where + ".partitionKey"),
                    Optional.ofNullable(index.get("sortKey")).map(key -> key(key, where + ".sortKey")),
                    projection(index.get("projection"), where)));
        }
        return indexes;
    }

    private List<TableDeclaration.LocalIndex> localIndexes(Object value) {
        List<TableDeclaration.LocalIndex> indexes = new ArrayList<>();
        for (Map<String, Object> index : listOfMaps(value, TABLE_KEY + ".localSecondaryIndexes")) {
            String where = TABLE_KEY + ".localSecondaryIndexes." + index.get("name");
            rejectUnknown(index, Set.of("name", "sortKey", "projection"), where);
            indexes.add(new TableDeclaration.LocalIndex(
                    string(index, "name", where),
                    key(required(index, "sortKey"), where + ".sortKey"),
                    projection(index.get("projection"), where)));
        }
        return indexes;
    }

    private TableDeclaration.Projection projection(Object value, String where) {
        if (value == null) {
            return new TableDeclaration.Projection("ALL", List.of());
        }
        Map<String, Object> projection = asMap(value, where + ".projection");
        rejectUnknown(projection, Set.of("type", "nonKeyAttributes"), where + ".projection");
        String type = oneOf(stringOr(projection, "type", "ALL"), PROJECTION_TYPES, where + ".projection.type");
        List<String> attributes = new ArrayList<>();
        if (projection.get("nonKeyAttributes") instanceof List<?> list) {
            list.forEach(item -> attributes.add(String.valueOf(item)));
        }
        if ("INCLUDE".equals(type) == attributes.isEmpty()) {
            throw new StackDeclarationException(where + ".projection: nonKeyAttributes go with type INCLUDE, and only with it");
        }
        return new TableDeclaration.Projection(type, attributes);
    }

    private TableDeclaration.KeyAttribute key(Object value, String where) {
        Map<String, Object> key = asMap(value, where);
        rejectUnknown(key, Set.of("name", "type"), where);
        return new TableDeclaration.KeyAttribute(string(key, "name", where), oneOf(string(key, "type", where), KEY_TYPES, where + ".type"));
    }

    private Object required(Map<String, Object> map, String field) {
        Object value = map.get(field);
        if (value == null) {
            throw new StackDeclarationException(path + ": " + TABLE_KEY + " is missing " + field);
        }
        return value;
    }

    private static String string(Map<String, Object> map, String field, String where) {
        Object value = map.get(field);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new StackDeclarationException(where + "." + field + " must be a non-empty string");
        }
        return text;
    }

    private static String stringOr(Map<String, Object> map, String field, String fallback) {
        Object value = map.get(field);
        return value == null ? fallback : String.valueOf(value);
    }

    private static Optional<String> optionalString(Map<String, Object> map, String field) {
        return Optional.ofNullable(map.get(field)).map(String::valueOf);
    }

    private static boolean bool(Map<String, Object> map, String field, boolean fallback) {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new StackDeclarationException(field + " must be true or false, got " + value);
    }

    private static String oneOf(String value, Set<String> allowed, String where) {
        if (!allowed.contains(value)) {
            throw new StackDeclarationException(where + " must be one of " + new java.util.TreeSet<>(allowed) + ", got " + value);
        }
        return value;
    }

    private static void rejectUnknown(Map<String, Object> map, Set<String> known, String where) {
        for (String field : map.keySet()) {
            if (!known.contains(field)) {
                throw new StackDeclarationException(where + " has an unknown setting: " + field);
            }
        }
    }

    private static Map<String, Object> optionalMap(Map<String, Object> map, String field) {
        Object value = map.get(field);
        return value == null ? Map.of() : asMap(value, field);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new StackDeclarationException(where + " must be a mapping");
    }

    private static List<Map<String, Object>> listOfMaps(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new StackDeclarationException(where + " must be a list");
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list) {
            maps.add(asMap(item, where + "[]"));
        }
        return maps;
    }
}
