package dev.usersapi.local.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP requests as API Gateway HTTP API payload format 2.0 events, and handler answers back
 * as HTTP, following the payload format's documented rules: header names lower-cased and
 * repeated values joined by commas, cookies taken out of the headers, query parameters decoded
 * with repeats joined by commas, a text body passed as is and any other base64-encoded.
 */
final class HttpApiPayloads {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final OncePerSecond REQUEST_TIME_TEXT = new OncePerSecond(second -> REQUEST_TIME.format(Instant.ofEpochSecond(second)));

    /** What the gateway read off the wire. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                   String sourceIp, String protocol) {}

    /** The HTTP answer API Gateway derives from a handler's JSON. */
    record Response(int status, Map<String, String> headers, List<String> cookies, byte[] body) {}

    private HttpApiPayloads() {}

    /**
     * The request as a payload 2.0 event, in JSON bytes, written field by field (no tree). With
     * {@code claims}, the requestContext carries them as API Gateway's JWT authorizer passes them.
     */
    static byte[] event(Request request, RouteTable.Selected route, String requestId, Instant time, int port,
                        Optional<Map<String, String>> claims) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(value -> {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                });
            } else {
                headers.put(lower, values.size() == 1 ? values.get(0) : String.join(",", values));
            }
        });
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("version", "2.0");
            json.writeStringField("routeKey", route.routeKey());
            json.writeStringField("rawPath", request.rawPath());
            json.writeStringField("rawQueryString", request.rawQuery());
            writeObject(json, "headers", headers);
            if (!cookies.isEmpty()) {
                json.writeArrayFieldStart("cookies");
                for (String cookie : cookies) {
                    json.writeString(cookie);
                }
                json.writeEndArray();
            }
            Map<String, String> query = queryParameters(request.rawQuery());
            if (!query.isEmpty()) {
                writeObject(json, "queryStringParameters", query);
            }
            if (!route.pathParameters().isEmpty()) {
                writeObject(json, "pathParameters", route.pathParameters());
            }

            json.writeObjectFieldStart("requestContext");
            json.writeStringField("accountId", "000000000000");
            json.writeStringField("apiId", "local");
            json.writeStringField("domainName", "127.0.0.1:" + port);
            json.writeStringField("domainPrefix", "127");
            json.writeObjectFieldStart("http");
            json.writeStringField("method", request.method());
            json.writeStringField("path", request.rawPath());
            json.writeStringField("protocol", request.protocol());
            json.writeStringField("sourceIp", request.sourceIp());
            json.writeStringField("userAgent", headers.getOrDefault("user-agent", ""));
            json.writeEndObject();
            json.writeStringField("requestId", requestId);
            json.writeStringField("routeKey", route.routeKey());
            json.writeStringField("stage", "$default");
            json.writeStringField("time", REQUEST_TIME_TEXT.at(time.getEpochSecond()));
            json.writeNumberField("timeEpoch", time.toEpochMilli());
            if (claims.isPresent()) {
                json.writeObjectFieldStart("authorizer");
                json.writeObjectFieldStart("jwt");
                writeObject(json, "claims", claims.get());
                json.writeNullField("scopes");
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndObject();

            if (request.body().length > 0) {
                Optional<String> text = isText(headers.getOrDefault("content-type", "")) ? utf8(request.body()) : Optional.empty();
                json.writeStringField("body", text.orElseGet(() -> Base64.getEncoder().encodeToString(request.body())));
                json.writeBooleanField("isBase64Encoded", text.isEmpty());
            } else {
                json.writeBooleanField("isBase64Encoded", false);
            }
            json.writeEndObject();
        } catch (java.io.IOException impossible) {
            throw new java.io.UncheckedIOException("writing to memory failed", impossible);
        }
        return bytes.toByteArray();
    }

    private static void writeObject(JsonGenerator json, String name, Map<String, String> fields) throws java.io.IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            json.writeStringField(field.getKey(), field.getValue());
        }
        json.writeEndObject();
    }

    /**
     * Payload 2.0 response rules: with a statusCode the JSON is a response description; without
     * one, API Gateway answers 200 with the JSON itself as an application/json body. Read as a
     * stream of tokens; a field's value is taken as a tree's {@code asText()} would give it.
     */
    static Response response(byte[] handlerJson) throws java.io.IOException {
        try (JsonParser json = JSON.getFactory().createParser(handlerJson)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return bare(handlerJson);
            }
            boolean hasStatus = false;
            int status = 0;
            Map<String, String> headers = new LinkedHashMap<>();
            List<String> cookies = new ArrayList<>();
            Optional<String> body = Optional.empty();
            boolean base64 = false;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "statusCode" -> {
                        hasStatus = true;
                        status = json.getValueAsInt();
                        json.skipChildren();
                    }
                    case "headers" -> {
                        headers.clear();
                        if (value == JsonToken.START_OBJECT) {
                            while (json.nextToken() == JsonToken.FIELD_NAME) {
                                String name = json.currentName();
                                json.nextToken();
                                headers.put(name, text(json));
                            }
                        } else {
                            json.skipChildren();
                        }
                    }
                    case "cookies" -> {
                        cookies.clear();
                        if (value == JsonToken.START_ARRAY) {
                            while (json.nextToken() != JsonToken.END_ARRAY) {
                                cookies.add(text(json));
                            }
                        } else {
                            json.skipChildren();
                        }
                    }
                    case "body" -> body = value == JsonToken.VALUE_NULL ? Optional.empty() : Optional.of(text(json));
                    case "isBase64Encoded" -> {
                        base64 = json.getValueAsBoolean(false);
                        json.skipChildren();
                    }
                    default -> json.skipChildren();
                }
            }
            if (!hasStatus) {
                return bare(handlerJson);
            }
            byte[] bytes = body.isEmpty() ? new byte[0]
                    : base64 ? Base64.getDecoder().decode(body.get()) : body.get().getBytes(StandardCharsets.UTF_8);
            return new Response(status, headers, cookies, bytes);
        }
    }

    private static Response bare(byte[] handlerJson) {
        return new Response(200, Map.of("content-type", "application/json"), List.of(), handlerJson);
    }

    /** The current value as text: a scalar's text ("null" for null), nothing for an object or an array. */
    private static String text(JsonParser json) throws java.io.IOException {
        if (json.currentToken().isStructStart()) {
            json.skipChildren();
            return "";
        }
        return json.getText();
    }

    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            String name = decode(parts[0]);
            String value = parts.length == 2 ? decode(parts[1]) : "";
            parameters.merge(name, value, (first, next) -> first + "," + next);
        }
        return parameters;
    }

    static List<String> pathSegments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.substring(1).split("/", -1)) {
            segments.add(decode(segment.replace("+", "%2B")));
        }
        return segments;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.startsWith("application/x-www-form-urlencoded");
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
