package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.List;
import java.util.Optional;

/**
 * A StreamSpecification on CreateTable and UpdateTable, checked as DynamoDB checks it. The API
 * reference (UpdateTable, StreamSpecification): "You receive a ValidationException if you try to
 * enable a stream on a table that already has a stream, or if you try to disable a stream on a
 * table that doesn't have a stream"; a stream's view type cannot be changed in place. The
 * messages are DynamoDB's own, as it answered each shape (ack-api-quirks' DynamoDB findings
 * DDB-TABLE-035 for CreateTable and DDB-TABLE-050 for UpdateTable, taken against DynamoDB).
 */
final class StreamSpecifications {
    /** The view types, in the order DynamoDB's enum message lists them. */
    private static final List<String> VIEW_TYPES = List.of("OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE");

    private StreamSpecifications() {}

    /** The view type a new table's stream records, or none: no stream. */
    static Optional<String> created(JsonNode specification) {
        if (specification.isMissingNode()) {
            return Optional.empty();
        }
        boolean enabled = members(specification);
        Optional<String> view = Optional.ofNullable(specification.path("StreamViewType").textValue());
        if (enabled && view.isEmpty()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required");
        }
        if (!enabled && view.isPresent()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified");
        }
        return view;
    }

    /**
     * The view type the table's stream records from now on, or none (stream off), given whether it
     * has an enabled stream now: the stream is switched on or off, never changed in place.
     */
    static Optional<String> updated(String table, boolean enabledNow, JsonNode specification) {
        boolean enabled = members(specification);
        Optional<String> view = Optional.ofNullable(specification.path("StreamViewType").textValue());
        if (enabled && view.isEmpty()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required");
        }
        if (!enabled && view.isPresent()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified");
        }
        if (enabled && enabledNow) {
            throw DynamoDbException.validation("Table already has an enabled stream: TableName: " + table);
        }
        if (!enabled && !enabledNow) {
            throw DynamoDbException.validation("Table has no stream to disable: TableName: " + table);
        }
        return view;
    }

    /** The service model's constraints: StreamEnabled required, StreamViewType one of the four; whether it is enabled. */
    private static boolean members(JsonNode specification) {
        new Constraints().notNull(specification.get("StreamEnabled"), "streamSpecification.streamEnabled")
                .oneOf(specification.get("StreamViewType"), "streamSpecification.streamViewType", VIEW_TYPES).check();
        return specification.path("StreamEnabled").asBoolean(false);
    }
}
