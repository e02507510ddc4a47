package dev.usersapi.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * JSON text from code that writes it field by field. Logs are one such object per line on
 * standard output, which Lambda ships to CloudWatch Logs as one event each. A log line starts
 * with {@code timestamp} (RFC 3339) and {@code level} (one of Lambda's application log levels,
 * which it filters on with {@code logFormat: JSON}; Lambda developer guide, "Log-level
 * filtering"), then the running {@link Invocation}'s fields, then the line's own.
 */
public final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();

    /** Lambda's application log levels this code writes. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** Writes the members of one JSON object. */
    @FunctionalInterface
    public interface Members {
        void write(JsonGenerator json) throws IOException;
    }

    private final PrintStream out;

    public JsonLines(PrintStream out) {
        this.out = out;
    }

    public static JsonLines standardOutput() {
        return new JsonLines(System.out);
    }

    /** A line at INFO. */
    public void write(Members members) {
        write(Level.INFO, members);
    }

    public void write(Level level, Members members) {
        out.println(object(json -> {
            json.writeStringField("timestamp", Instant.now().toString());
            json.writeStringField("level", level.name());
            writeInvocation(json);
            members.write(json);
        }));
    }

    /** A line in CloudWatch's embedded metric format: the metric is extracted from the log, no API call made. */
    public void metric(EmbeddedMetric metric) {
        out.println(object(json -> {
            metric.write(json, System.currentTimeMillis());
            writeInvocation(json);
        }));
    }

    static void writeInvocation(JsonGenerator json) throws IOException {
        var current = Invocation.current();
        if (current.isEmpty()) {
            return;
        }
        Invocation invocation = current.get();
        json.writeStringField("function", invocation.functionName());
        json.writeStringField("lambdaRequestId", invocation.lambdaRequestId());
        if (invocation.apiRequestId().isPresent()) {
            json.writeStringField("apiRequestId", invocation.apiRequestId().get());
        }
        json.writeStringField("route", invocation.route());
        json.writeBooleanField("coldStart", invocation.coldStart());
    }

    public static String object(Members members) {
        return value(json -> {
            json.writeStartObject();
            members.write(json);
            json.writeEndObject();
        });
    }

    /** Any JSON value: the writer starts and ends it itself. */
    public static String value(Members writer) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
