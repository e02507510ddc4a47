package dev.usersapi.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.usersapi.client.model.Problem;
import java.util.Optional;

/**
 * The API's errors as typed RFC 9457 problems. The generated client throws {@link ApiException}
 * with the raw body; every error the users API itself answers is a problem document, while API
 * Gateway's own refusals (401, 413, 429) are {"message": ...} and read here as empty.
 */
public final class Problems {
    private Problems() {}

    public static Optional<Problem> of(ApiException error) {
        String body = error.getResponseBody();
        boolean problemDocument = error.getResponseHeaders() != null && error.getResponseHeaders()
                .firstValue("content-type").map(type -> type.startsWith("application/problem+json")).orElse(false);
        if (body == null || body.isBlank() || !problemDocument) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.getDefault().getMapper().readValue(body, Problem.class));
        } catch (JsonProcessingException notAProblem) {
            return Optional.empty();
        }
    }
}
