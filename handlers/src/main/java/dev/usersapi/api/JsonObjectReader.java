package dev.usersapi.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a request body that must be one flat JSON object. Jackson's streaming parser does the
 * JSON (strict UTF-8, duplicate keys rejected, bounded nesting and sizes); no data binding, which
 * would cost cold start and accept more than the API does.
 */
final class JsonObjectReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxNumberLength(100)
                    .maxStringLength(RequestLimits.MAX_BODY_BYTES)
                    .build())
            .build();

    private JsonObjectReader() {}

    static Map<String, JsonMember> read(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("the body must be a JSON object");
            }
            Map<String, JsonMember> members = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                members.put(name, member(parser, parser.nextToken()));
            }
            if (parser.nextToken() != null) {
                throw malformed("the body holds more than one JSON value");
            }
            return members;
        } catch (StreamConstraintsException e) {
            throw malformed("the body exceeds a limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw malformed(e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonMember member(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return new JsonMember.Text(parser.getText());
            case VALUE_NUMBER_INT:
                return new JsonMember.Integer(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return new JsonMember.Fraction(parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new JsonMember.Bool(parser.getBooleanValue());
            case VALUE_NULL:
                return new JsonMember.Null();
            case START_OBJECT:
                parser.skipChildren();
                return new JsonMember.Nested("an object");
            case START_ARRAY:
                parser.skipChildren();
                return new JsonMember.Nested("an array");
            default:
                throw malformed("unexpected " + token);
        }
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(new Problem(400, "malformed-json", "Malformed JSON body", detail,
                java.util.List.of(Problem.InvalidInput.body("", detail)), java.util.Map.of()));
    }
}
