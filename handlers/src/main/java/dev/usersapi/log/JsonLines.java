package dev.usersapi.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON text from code that writes it field by field. Logs are one such object per line on
 * standard output, which Lambda ships to CloudWatch Logs as one event each.
 */
public final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();

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

    public void write(Members members) {
        out.println(object(members));
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
