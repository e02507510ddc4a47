package dev.usersapi.local.gateway;

import java.util.Optional;

/** Pages the local gateway serves beside the API, on paths the API leaves free. */
public interface LocalPages {
    /** A whole answer: status, media type and body. */
    record Page(int status, String contentType, byte[] body) {}

    /** The page at {@code rawPath}, or empty when the path is the API's. */
    Optional<Page> page(String method, String rawPath);
}
