package dev.usersapi.api;

/** The bounds the OpenAPI document states; the handler enforces them. */
final class RequestLimits {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_EMAIL_LENGTH = 254;
    static final int MIN_AGE = 0;
    static final int MAX_AGE = 150;
    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_CURSOR_LENGTH = 512;

    private RequestLimits() {}
}
