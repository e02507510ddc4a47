package dev.usersapi.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The parts of an API Gateway payload 2.0 event the handler reads, with absent parts made empty. */
record HttpRequest(
        String requestId,
        String routeKey,
        String method,
        String rawPath,
        Map<String, String> headers,
        Map<String, String> query,
        Map<String, String> pathParameters,
        Optional<String> body,
        boolean bodyIsBase64) {

    static HttpRequest of(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        String method = context != null && context.getHttp() != null && context.getHttp().getMethod() != null
                ? context.getHttp().getMethod().toUpperCase(Locale.ROOT) : "";
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        return new HttpRequest(
                context != null && context.getRequestId() != null ? context.getRequestId() : "",
                event.getRouteKey() != null ? event.getRouteKey() : "$default",
                method,
                event.getRawPath() != null ? event.getRawPath() : "/",
                headers,
                event.getQueryStringParameters() != null ? event.getQueryStringParameters() : Map.of(),
                event.getPathParameters() != null ? event.getPathParameters() : Map.of(),
                Optional.ofNullable(event.getBody()),
                event.getIsBase64Encoded());
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /**
     * The body as bytes, within the size limit and of a JSON media type; a 4xx problem otherwise.
     * The size is checked before decoding, so an oversized body is never held twice.
     */
    byte[] jsonBody(List<String> mediaTypes) {
        String text = body.filter(value -> !value.isEmpty()).orElseThrow(() -> new ProblemException(
                Problem.invalid("Missing request body", List.of(Problem.InvalidInput.body("", "a JSON object is required")))));
        long encodedLimit = bodyIsBase64 ? 4L * (RequestLimits.MAX_BODY_BYTES + 2) / 3 : RequestLimits.MAX_BODY_BYTES;
        if (text.length() > encodedLimit) {
            throw tooLarge();
        }
        requireMediaType(mediaTypes);
        byte[] bytes;
        if (bodyIsBase64) {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Problem.of(400, "malformed-body", "Malformed request body", "the body is not valid base64"));
            }
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > RequestLimits.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return bytes;
    }

    private void requireMediaType(List<String> mediaTypes) {
        String contentType = header("content-type").orElse("");
        String[] parts = contentType.split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean utf8 = true;
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")) {
                String charset = parameter.length == 2 ? parameter[1].trim().replace("\"", "") : "";
                utf8 = charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
            }
        }
        if (!mediaTypes.contains(mediaType) || !utf8) {
            throw new ProblemException(new Problem(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as " + String.join(" or ", mediaTypes) + " in UTF-8"
                            + (contentType.isEmpty() ? "; the Content-Type header is missing" : ", not " + contentType),
                    List.of(Problem.InvalidInput.header("Content-Type", "must be " + String.join(" or ", mediaTypes))),
                    Map.of()));
        }
    }

    private static ProblemException tooLarge() {
        return new ProblemException(Problem.of(413, "payload-too-large", "Request body too large",
                "the body must be at most " + RequestLimits.MAX_BODY_BYTES + " bytes"));
    }
}
