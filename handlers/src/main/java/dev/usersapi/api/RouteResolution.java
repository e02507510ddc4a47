package dev.usersapi.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a request's method and path name. API Gateway resolves routes itself and passes the
 * route key; the handler resolves the path only for requests that reach it through the
 * catch-all {@code $default} route, to tell an unknown path (404) from a wrong method (405).
 */
sealed interface RouteResolution {
    record Matched(Route route, Map<String, String> pathParameters) implements RouteResolution {}

    record NoSuchPath() implements RouteResolution {}

    record MethodNotAllowed(List<String> allowed) implements RouteResolution {}

    static RouteResolution resolve(String routeKey, Map<String, String> pathParameters, String method, String rawPath) {
        Optional<Route> direct = Route.byRouteKey(routeKey);
        if (direct.isPresent()) {
            return new Matched(direct.get(), pathParameters);
        }
        Optional<List<String>> decoded = segments(rawPath);
        if (decoded.isEmpty()) {
            return new NoSuchPath();
        }
        List<String> segments = decoded.get();
        TreeSet<String> allowed = new TreeSet<>();
        Matched best = null;
        for (Route route : Route.values()) {
            Optional<Map<String, String>> parameters = route.match(segments);
            if (parameters.isEmpty()) {
                continue;
            }
            if (route.method().equals(method) && (best == null || route.isLiteral())) {
                best = new Matched(route, parameters.get());
            }
            allowed.add(route.method());
        }
        if (best != null) {
            return best;
        }
        return allowed.isEmpty() ? new NoSuchPath() : new MethodNotAllowed(List.copyOf(allowed));
    }

    /** The decoded path segments, or empty when the path's percent-encoding is broken. */
    private static Optional<List<String>> segments(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        List<String> segments = new ArrayList<>();
        try {
            for (String segment : path.split("/", -1)) {
                // In a path, '+' is a plus sign, not the space it means in a form.
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(segments);
    }
}
