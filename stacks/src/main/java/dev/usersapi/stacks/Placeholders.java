package dev.usersapi.stacks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Values that stand for a real one someone has yet to fill in: a deployed stack with one in it
 * fails at run time (an authorizer of a pool that does not exist answers 401 to every request, a
 * backup copied to an account no one owns), so the program refuses them before declaring anything.
 */
final class Placeholders {
    /**
     * What each looks like: fill-in words, AWS's documentation account ids and this repository's own
     * (111111111111, in operator/ and .github/), RFC 2606's example domains. Mirrored by the operator
     * bootstrap's ManifestPlaceholders; delivery/test/placeholders.test.mjs keeps the two lists equal.
     */
    private static final List<Pattern> PLACEHOLDERS = List.of(
            Pattern.compile("replace[-_ ]?me", Pattern.CASE_INSENSITIVE),
            Pattern.compile("change[-_ ]?me", Pattern.CASE_INSENSITIVE),
            Pattern.compile("your[-_](org|account|domain|pool|bucket|team|company|tenant|issuer)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("<[a-z][a-z0-9 _-]*>", Pattern.CASE_INSENSITIVE),
            Pattern.compile("(?<!\\d)(111111111111|123456789012|111122223333|444455556666|555555555555|777788889999|999999999999|000000000000)(?!\\d)"),
            Pattern.compile("(^|[./@])example\\.(com|org|net)($|[/:.?#])", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\.(example|invalid)($|[/:?#])", Pattern.CASE_INSENSITIVE));

    private Placeholders() {}

    /** The placeholder in a value, if it holds one. */
    static Optional<String> in(String value) {
        for (Pattern pattern : PLACEHOLDERS) {
            var matcher = pattern.matcher(value);
            if (matcher.find()) {
                return Optional.of(matcher.group().replaceAll("^[./@]|[/:.?#]$", ""));
            }
        }
        return Optional.empty();
    }

    /** Every string under a config value that is a placeholder, added to {@code found} as "setting: value". */
    static void findAnywhere(String setting, Object value, List<String> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> findAnywhere(setting + "." + key, child, found));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                findAnywhere(setting + "[" + i + "]", list.get(i), found);
            }
        } else if (value != null) {
            in(String.valueOf(value)).ifPresent(placeholder -> found.add(setting + ": " + value + " (placeholder '" + placeholder + "')"));
        }
    }
}
