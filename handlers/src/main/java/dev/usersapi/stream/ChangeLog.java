package dev.usersapi.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.usersapi.log.JsonLines;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs each change as one JSON line: event name, keys, and the names of the attributes that
 * changed, never their values. A user's name, email and age are personal data: logged, they would
 * stay in CloudWatch for the logs' retention after the user is deleted, beyond any erasure request.
 * The keys (a random id and its creation time) and the attribute names say what happened to which
 * item, which is what an operator needs; the values stay in the table alone. A change seen again in the same container (a retried batch)
 * is not logged twice; the line carries the eventId, so a consumer downstream can drop the
 * rare repeat from another container too.
 */
public final class ChangeLog implements ChangeConsumer {
    private static final int REMEMBERED_EVENTS = 10_000;

    private final JsonLines out;
    private final Map<String, Boolean> logged = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_EVENTS;
        }
    };

    public ChangeLog(JsonLines out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(Change change) {
        if (logged.putIfAbsent(change.eventId(), Boolean.TRUE) != null) {
            return;
        }
        out.write(json -> {
            json.writeStringField("event", change.eventName());
            json.writeStringField("eventId", change.eventId());
            json.writeStringField("sequenceNumber", change.sequenceNumber());
            if (change.expired()) {
                json.writeBooleanField("expired", true);
            }
            json.writeFieldName("keys");
            writeValue(json, change.keys());
            json.writeArrayFieldStart("changed");
            for (String attribute : change.differences().keySet()) {
                json.writeString(attribute);
            }
            json.writeEndArray();
        });
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof BigDecimal number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            json.writeBoolean(flag);
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (var entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else {
            json.writeNull();
        }
    }
}
