package dev.usersapi.local.gateway;

import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} values a server on loopback answers: {@code 127.0.0.1}, {@code localhost} or
 * {@code [::1]}, with the server's own port or none. Listening on 127.0.0.1 keeps
 * other machines out, but not a web page: through DNS rebinding a page's own name comes to resolve
 * to 127.0.0.1, and the browser then sends it requests with that name in {@code Host}. Refusing
 * every other name keeps such a page from reaching an open dev API.
 */
public final class LoopbackHosts {
    private static final Set<String> NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private LoopbackHosts() {}

    public static boolean admits(String host, int port) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']')) {
            return NAMES.contains(value.substring(0, colon)) && value.substring(colon + 1).equals(Integer.toString(port));
        }
        return NAMES.contains(value);
    }

    /** A Host value fit to quote back: short, visible ASCII only. */
    static String shown(String host) {
        String visible = host.replaceAll("[^\\x21-\\x7e]", "?");
        return visible.length() > 80 ? visible.substring(0, 80) + "..." : visible;
    }
}
