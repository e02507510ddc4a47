package dev.usersapi.engine.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} values the listener answers: {@code 127.0.0.1}, {@code localhost} and
 * {@code [::1]}, with the listener's port or none, and any names its user allows. Binding
 * loopback keeps other machines out but not a web page: through DNS rebinding the page's own name
 * comes to resolve to 127.0.0.1, and the browser sends the page's requests, with that name in
 * {@code Host}, to the unauthenticated engine. Refusing every other name keeps them out.
 */
final class AllowedHosts {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");
    private final Set<String> names;
    private final int port;

    AllowedHosts(Set<String> extra, int port) {
        Set<String> names = new HashSet<>(LOOPBACK);
        extra.forEach(name -> names.add(name.strip().toLowerCase(Locale.ROOT)));
        this.names = Set.copyOf(names);
        this.port = port;
    }

    boolean admits(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        if (names.contains(value)) {
            return true;
        }
        int colon = value.lastIndexOf(':');
        return colon > value.lastIndexOf(']') && names.contains(value.substring(0, colon))
                && value.substring(colon + 1).equals(Integer.toString(port));
    }

    /** The refusal, in DynamoDB's error shape so that SDKs and the CLI show its message. */
    byte[] refusal(String host) {
        String visible = host.replaceAll("[^\\x21-\\x7e]", "?").replace("\"", "?").replace("\\", "?");
        String shown = visible.length() > 80 ? visible.substring(0, 80) + "..." : visible;
        String message = "This local DynamoDB endpoint answers only requests for 127.0.0.1:" + port + " or localhost:" + port
                + (host.isEmpty() ? ", and this request names no Host" : ", not Host " + shown)
                + " (a web page reaching it through DNS rebinding is refused); to reach it by another name, start it with --allowed-hosts";
        return ("{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
