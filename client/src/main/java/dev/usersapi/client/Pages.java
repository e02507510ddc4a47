package dev.usersapi.client;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paging through {@code GET /users}: a page that has a successor says so in its
 * {@code Link: </users?limit=N&cursor=...>; rel="next"} header, and the cursor is opaque.
 */
public final class Pages {
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CURSOR = Pattern.compile("(?:^|&)cursor=([^&]*)");

    private Pages() {}

    /** The cursor of the page after this one, or empty on the last page. */
    public static Optional<String> nextCursor(ApiResponse<?> page) {
        return page.getHeaders().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("link"))
                .flatMap(header -> header.getValue().stream())
                .map(NEXT::matcher).filter(Matcher::find).findFirst()
                .map(link -> URI.create(link.group(1)).getRawQuery())
                .map(CURSOR::matcher).filter(Matcher::find)
                .map(cursor -> URLDecoder.decode(cursor.group(1), StandardCharsets.UTF_8));
    }
}
