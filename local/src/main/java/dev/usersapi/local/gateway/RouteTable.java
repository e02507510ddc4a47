package dev.usersapi.local.gateway;

import dev.usersapi.declaration.ApiOperation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The routes of the OpenAPI document, selected as API Gateway HTTP APIs select them: the
 * method must match, and of the paths that fit, the one with the most literal segments wins.
 * A request no route fits goes to the {@code $default} route, as in the deployed API.
 */
final class RouteTable {
    static final String DEFAULT_ROUTE = "$default";

    /**
     * {@code scopes}: the route's authorizationScopes, any one of which admits a token; for
     * {@code $default}, any scope of any operation, as the program gives that route.
     */
    record Selected(String routeKey, Map<String, String> pathParameters, List<String> scopes) {}

    private record Template(ApiOperation operation, List<String> segments, long literals) {}

    private final List<Template> templates = new ArrayList<>();
    private final List<String> everyScope;

    RouteTable(List<ApiOperation> operations) {
        for (ApiOperation operation : operations) {
            List<String> segments = List.of(operation.path().substring(1).split("/"));
            templates.add(new Template(operation, segments, segments.stream().filter(s -> !s.startsWith("{")).count()));
        }
        templates.sort(Comparator.comparingLong(Template::literals).reversed());
        everyScope = operations.stream().flatMap(operation -> operation.scopes().stream()).distinct().toList();
    }

    /** {@code segments} are the request path's segments, percent-decoded. */
    Selected select(String method, List<String> segments) {
        for (Template template : templates) {
            if (!template.operation().method().equals(method)) {
                continue;
            }
            Optional<Map<String, String>> parameters = fit(template.segments(), segments);
            if (parameters.isPresent()) {
                return new Selected(template.operation().routeKey(), parameters.get(), template.operation().scopes());
            }
        }
        return new Selected(DEFAULT_ROUTE, Map.of(), everyScope);
    }

    private static Optional<Map<String, String>> fit(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = segments.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }
}
