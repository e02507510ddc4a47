package dev.usersapi.declaration;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One stack's configuration: {@code stacks/Pulumi.<stack>.yaml} as a file, or the same values
 * as Pulumi hands them to the running program. Reading is strict: an unknown key is an error,
 * because a misspelt setting that falls back to a default is how tables lose their backups.
 */
public final class StackFile {
    public static final String PROJECT = "users-api";
    public static final String TABLE_KEY = PROJECT + ":table";
    public static final String STREAM_CONSUMER_KEY = PROJECT + ":streamConsumer";
    public static final String IDEMPOTENCY_TABLE_KEY = PROJECT + ":idempotencyTable";
    public static final String API_KEY = PROJECT + ":api";

    private static final Set<String> KEY_TYPES = Set.of("S", "N", "B");
    private static final Set<String> PROJECTION_TYPES = Set.of("ALL", "KEYS_ONLY", "INCLUDE");
    private static final Set<String> STREAM_VIEWS = Set.of("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY");
    private static final Set<String> BILLING_MODES = Set.of("PAY_PER_REQUEST", "PROVISIONED");

    private final String stack;
    private final Map<String, Object> config;

    private StackFile(String stack, Map<String, Object> config) {
        this.stack = stack;
        this.config = config;
    }

    /** Reads {@code Pulumi.<stack>.yaml} from the project's stack directory. */
    public static StackFile load(ProjectLayout layout, String stack) {
        return load(stack, layout.stackFile(stack));
    }

    public static StackFile load(String stack, Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            ConfigSection root = ConfigSection.of(path.getFileName().toString(), document);
            Map<String, Object> config = new LinkedHashMap<>();
            root.optionalSection("config").ifPresent(section -> section.allowOnlyNamespaced(config));
            return new StackFile(stack, config);
        } catch (IOException e) {
            throw new StackDeclarationException("cannot read stack file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The values of a running program's config, keyed {@code users-api:table} and so on. */
    public static StackFile of(String stack, Map<String, Object> config) {
        return new StackFile(stack, Map.copyOf(config));
    }

    public String stack() {
        return stack;
    }

    /** A namespaced config key such as {@code users-api:api}, read strictly; empty when the stack does not set it. */
    public ConfigSection section(String key) {
        Object value = config.get(key);
        return value == null ? new ConfigSection(key, Map.of()) : ConfigSection.of(key, value);
    }

    public Optional<Object> value(String key) {
        return Optional.ofNullable(config.get(key));
    }

    /** The users table. */
    public TableDeclaration table() {
        return table(TABLE_KEY);
    }

    /** The table of Idempotency-Key records for creates: declared like the users table, so the same rules cover it. */
    public TableDeclaration idempotencyTable() {
        return table(IDEMPOTENCY_TABLE_KEY);
    }

    private TableDeclaration table(String configKey) {
        ConfigSection table = ConfigSection.of(configKey, value(configKey).orElseThrow(
                () -> new StackDeclarationException("stack " + stack + " does not declare " + configKey)));
        table.allowOnly("partitionKey", "sortKey", "billingMode", "ttlAttribute", "retention", "pointInTimeRecovery",
                "deletionProtection", "encryption", "stream", "globalSecondaryIndexes", "localSecondaryIndexes");
        ConfigSection encryption = table.section("encryption").allowOnly("enabled", "kmsKeyArn", "customerManagedKey");
        ConfigSection stream = table.section("stream").allowOnly("viewType");
        return new TableDeclaration(
                key(table.requiredSection("partitionKey")),
                table.optionalSection("sortKey").map(StackFile::key),
                table.oneOf("billingMode", "PAY_PER_REQUEST", BILLING_MODES),
                table.optionalString("ttlAttribute"),
                retention(table, configKey),
                table.bool("pointInTimeRecovery", false),
                table.bool("deletionProtection", false),
                new TableDeclaration.Encryption(encryption.bool("enabled", false), encryption.optionalString("kmsKeyArn"),
                        encryption.bool("customerManagedKey", false)),
                stream.has("viewType") ? Optional.of(stream.oneOf("viewType", "", STREAM_VIEWS)) : Optional.empty(),
                table.sections("globalSecondaryIndexes").stream().map(StackFile::globalIndex).toList(),
                table.sections("localSecondaryIndexes").stream().map(StackFile::localIndex).toList());
    }

    /** {@code users-api:api.cors}: empty where the stack lets no browser origin in. */
    public Optional<CorsDeclaration> cors() {
        return section(API_KEY).optionalSection("cors").map(cors -> {
            cors.allowOnly("allowOrigins", "maxAgeSeconds");
            return new CorsDeclaration(cors.strings("allowOrigins"), cors.integer("maxAgeSeconds", 300, 0, 86_400));
        });
    }

    public StreamConsumerDeclaration streamConsumer() {
        ConfigSection consumer = section(STREAM_CONSUMER_KEY).allowOnly("batchSize", "startingPosition", "maximumRetryAttempts",
                "maximumRecordAgeSeconds", "bisectBatchOnFunctionError");
        return new StreamConsumerDeclaration(
                consumer.integer("batchSize", 100, 1, 10_000),
                consumer.oneOf("startingPosition", "TRIM_HORIZON", Set.of("TRIM_HORIZON", "LATEST")),
                consumer.integer("maximumRetryAttempts", 3, 0, 10_000),
                consumer.integer("maximumRecordAgeSeconds", 3600, 60, 604_800),
                consumer.bool("bisectBatchOnFunctionError", true));
    }

    private static Optional<Duration> retention(ConfigSection table, String configKey) {
        Optional<String> value = table.raw("retention").map(String::valueOf);
        if (value.isEmpty() || value.get().equals("off")) {
            return Optional.empty();
        }
        try {
            Duration retention = Duration.parse(value.get());
            if (retention.isNegative() || retention.isZero()) {
                throw new StackDeclarationException(configKey + ".retention must be positive or \"off\", got " + value.get());
            }
            return Optional.of(retention);
        } catch (DateTimeParseException e) {
            throw new StackDeclarationException(
                    configKey + ".retention must be an ISO-8601 duration such as P5D, or \"off\"; got " + value.get(), e);
        }
    }

    private static TableDeclaration.GlobalIndex globalIndex(ConfigSection index) {
        index.allowOnly("name", "partitionKey", "sortKey", "projection");
        return new TableDeclaration.GlobalIndex(index.string("name"), key(index.requiredSection("partitionKey")),
                index.optionalSection("sortKey").map(StackFile::key), projection(index));
    }

    private static TableDeclaration.LocalIndex localIndex(ConfigSection index) {
        index.allowOnly("name", "sortKey", "projection");
        return new TableDeclaration.LocalIndex(index.string("name"), key(index.requiredSection("sortKey")), projection(index));
    }

    private static TableDeclaration.Projection projection(ConfigSection index) {
        ConfigSection projection = index.section("projection").allowOnly("type", "nonKeyAttributes");
        String type = projection.oneOf("type", "ALL", PROJECTION_TYPES);
        List<String> attributes = projection.strings("nonKeyAttributes");
        if ("INCLUDE".equals(type) == attributes.isEmpty()) {
            throw new StackDeclarationException(projection.where() + ": nonKeyAttributes go with type INCLUDE, and only with it");
        }
        return new TableDeclaration.Projection(type, attributes);
    }

    private static TableDeclaration.KeyAttribute key(ConfigSection key) {
        key.allowOnly("name", "type");
        return new TableDeclaration.KeyAttribute(key.string("name"), key.oneOf("type", "", KEY_TYPES));
    }
}
