package dev.usersapi.api;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ETags are the user's version, quoted: {@code "3"}. If-Match compares them strongly (RFC 9110). */
final class EntityTags {
    private static final Pattern STRONG = Pattern.compile("\"([1-9][0-9]{0,17})\"");
    private static final Pattern WEAK = Pattern.compile("W/\"[^\"]*\"");
    /** A version no user has, for a precondition that can never hold (a weak tag). */
    private static final long NO_VERSION = 0;

    private EntityTags() {}

    /** The version an If-Match header requires; empty for {@code *} or no header. */
    static OptionalLong requiredVersion(String ifMatch) {
        if (ifMatch == null) {
            return OptionalLong.empty();
        }
        String value = ifMatch.trim();
        if (value.equals("*")) {
            return OptionalLong.empty();
        }
        Matcher strong = STRONG.matcher(value);
        if (strong.matches()) {
            return OptionalLong.of(Long.parseLong(strong.group(1)));
        }
        if (WEAK.matcher(value).matches()) {
            // A weak tag never matches under strong comparison: the write is refused as stale.
            return OptionalLong.of(NO_VERSION);
        }
        throw new ProblemException(Problem.invalid("Invalid If-Match header", java.util.List.of(
                Problem.InvalidInput.header("If-Match", "must be * or one ETag from an earlier response, such as \"3\""))));
    }
}
