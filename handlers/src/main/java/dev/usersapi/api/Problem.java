package dev.usersapi.api;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem: what went wrong, in a form a client can act on. {@code errors} names each
 * offending input, by JSON pointer into the body or by the name of a parameter or header.
 */
record Problem(int status, String slug, String title, String detail, List<InvalidInput> errors, Map<String, String> headers) {

    record InvalidInput(String location, String name, String detail) {
        static InvalidInput body(String pointer, String detail) {
            return new InvalidInput("pointer", pointer, detail);
        }

        static InvalidInput parameter(String name, String detail) {
            return new InvalidInput("parameter", name, detail);
        }

        static InvalidInput header(String name, String detail) {
            return new InvalidInput("header", name, detail);
        }
    }

    Problem {
        errors = List.copyOf(errors);
        headers = Map.copyOf(headers);
    }

    static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, List.of(), Map.of());
    }

    static Problem invalid(String title, List<InvalidInput> errors) {
        String detail = errors.size() == 1 ? errors.get(0).detail() : errors.size() + " inputs are invalid; see errors";
        return new Problem(400, "invalid-request", title, detail, errors, Map.of());
    }

    Problem withHeader(String name, String value) {
        var all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return new Problem(status, slug, title, detail, errors, all);
    }

    String type() {
        return "urn:users-api:problem:" + slug;
    }
}
