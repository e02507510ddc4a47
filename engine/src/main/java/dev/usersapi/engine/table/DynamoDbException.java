package dev.usersapi.engine.table;

/** An error DynamoDB answers with: its type (as in {@code __type}), its message, its HTTP status. */
public final class DynamoDbException extends RuntimeException {
    private final String type;
    private final int status;
    private final java.util.Optional<java.util.Map<String, dev.usersapi.engine.value.Value>> item;
    private final java.util.Optional<com.fasterxml.jackson.databind.JsonNode> cancellationReasons;

    public DynamoDbException(String type, String message, int status) {
        this(type, message, status, java.util.Optional.empty());
    }

    /** With the item a failed condition saw, for ReturnValuesOnConditionCheckFailure: ALL_OLD. */
    public DynamoDbException(String type, String message, int status, java.util.Optional<java.util.Map<String, dev.usersapi.engine.value.Value>> item) {
        this(type, message, status, item, java.util.Optional.empty());
    }

    /** With a cancelled transaction's reasons, one per action. */
    public DynamoDbException(String type, String message, int status, java.util.Optional<java.util.Map<String, dev.usersapi.engine.value.Value>> item,
                             java.util.Optional<com.fasterxml.jackson.databind.JsonNode> cancellationReasons) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
        this.item = item;
        this.cancellationReasons = cancellationReasons;
    }

    public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> cancellationReasons() {
        return cancellationReasons;
    }

    public java.util.Optional<java.util.Map<String, dev.usersapi.engine.value.Value>> item() {
        return item;
    }

    public static DynamoDbException validation(String message) {
        return new DynamoDbException("ValidationException", message, 400);
    }

    public static DynamoDbException notFound(String message) {
        return new DynamoDbException("ResourceNotFoundException", message, 400);
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }
}
