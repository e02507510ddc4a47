package dev.usersapi.local.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Stream records as read with the SDK, written back as the JSON event Lambda's event source
 * mapping delivers for DynamoDB Streams: {@code {"Records":[{"eventID", "eventName", ...,
 * "dynamodb": {"ApproximateCreationDateTime": <epoch seconds>, "Keys", "NewImage", ...}}]}}.
 * No library goes this way (the SDKs only read it), so this is the mapping, field by field.
 */
public final class StreamEventPayloads {
    static final ObjectMapper JSON = new ObjectMapper();
    private StreamEventPayloads() {}

    /** The event Lambda sends for {@code records}; a time-to-live deletion keeps the userIdentity its record carries. */
    public static ObjectNode event(List<Record> records, String streamArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (Record record : records) {
            array.add(record(record, streamArn, region));
        }
        return event;
    }

    static ObjectNode record(Record record, String streamArn, String region) {
        ObjectNode json = JSON.createObjectNode();
        json.put("eventID", record.eventID());
        json.put("eventName", record.eventNameAsString());
        json.put("eventVersion", record.eventVersion() != null ? record.eventVersion() : "1.1");
        json.put("eventSource", "aws:dynamodb");
        json.put("awsRegion", region);
        json.put("eventSourceARN", streamArn);
        var stream = record.dynamodb();
        ObjectNode dynamodb = json.putObject("dynamodb");
        if (stream.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", stream.approximateCreationDateTime().getEpochSecond());
        }
        if (stream.hasKeys()) {
            dynamodb.set("Keys", image(stream.keys()));
        }
        if (stream.hasNewImage()) {
            dynamodb.set("NewImage", image(stream.newImage()));
        }
        if (stream.hasOldImage()) {
            dynamodb.set("OldImage", image(stream.oldImage()));
        }
        dynamodb.put("SequenceNumber", stream.sequenceNumber());
        if (stream.sizeBytes() != null) {
            dynamodb.put("SizeBytes", stream.sizeBytes());
        }
        dynamodb.put("StreamViewType", stream.streamViewTypeAsString());
        if (record.userIdentity() != null) {
            ObjectNode identity = json.putObject("userIdentity");
            identity.put("type", record.userIdentity().type());
            identity.put("principalId", record.userIdentity().principalId());
        }
        return json;
    }

    static ObjectNode image(Map<String, AttributeValue> attributes) {
        ObjectNode image = JSON.createObjectNode();
        attributes.forEach((name, value) -> image.set(name, attribute(value)));
        return image;
    }

    static ObjectNode attribute(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", base64(value.b()));
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            case SS -> value.ss().forEach(json.putArray("SS")::add);
            case NS -> value.ns().forEach(json.putArray("NS")::add);
            case BS -> value.bs().forEach(bytes -> json.withArray("BS").add(base64(bytes)));
            case M -> json.set("M", image(value.m()));
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(item -> list.add(attribute(item)));
            }
            default -> throw new IllegalArgumentException("unknown attribute type in " + value);
        }
        return json;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
