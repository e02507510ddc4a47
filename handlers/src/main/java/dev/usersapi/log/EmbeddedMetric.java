package dev.usersapi.log;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * One count of the handlers' own signals, in CloudWatch's embedded metric format (the
 * "Specification: Embedded metric format" page of the CloudWatch user guide): an {@code _aws}
 * member declaring the namespace, the dimension set and the metric, and the values as members of
 * the same object. Written by hand: a dozen lines against a library and its cold start (the
 * measurement is in handlers/README.md).
 *
 * @param name the metric, one of those the handlers' tests list in {@code emf-metrics.json}
 * @param count how many
 */
public record EmbeddedMetric(String name, long count) {
    public static final String NAMESPACE = "users-api";
    /** Every metric is published per function: the dimension an alarm names. */
    public static final String DIMENSION = "FunctionName";

    public static final String FAILED_RECORDS = "FailedRecords";
    public static final String FAULTS = "Faults";
    public static final String DYNAMODB_TIMEOUTS = "DynamoDbTimeouts";

    void write(JsonGenerator json, long epochMillis) throws IOException {
        json.writeObjectFieldStart("_aws");
        json.writeNumberField("Timestamp", epochMillis);
        json.writeArrayFieldStart("CloudWatchMetrics");
        json.writeStartObject();
        json.writeStringField("Namespace", NAMESPACE);
        json.writeArrayFieldStart("Dimensions");
        json.writeStartArray();
        json.writeString(DIMENSION);
        json.writeEndArray();
        json.writeEndArray();
        json.writeArrayFieldStart("Metrics");
        json.writeStartObject();
        json.writeStringField("Name", name);
        json.writeStringField("Unit", "Count");
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
        // Outside an invocation (SnapStart's priming) the function's name comes from Lambda's environment:
        // CloudWatch extracts no metric with an empty dimension value.
        json.writeStringField(DIMENSION, Invocation.current().map(Invocation::functionName).orElseGet(() -> Invocation.functionName(null)));
        json.writeNumberField(name, count);
    }
}
