package dev.usersapi.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The values of a rendered environment that decide what the operator runs and with whose rights:
 * each Stack's {@code projectRepo} (the repository its workspace clones and builds, Maven plugins
 * included) and {@code stack}, and the deployer role its service account assumes (IRSA). While one
 * is still a placeholder, the workspace would clone a stranger's repository (anyone can own the
 * GitHub account {@code your-org}) with the deployer role, or assume a role in an account no one of
 * the project owns; so the bootstrap refuses to deploy them.
 */
final class ManifestPlaceholders {
    /**
     * The stack program's placeholder patterns (stacks' Placeholders), the same list:
     * delivery/test/placeholders.test.mjs fails when the two differ.
     */
    private static final List<Pattern> PLACEHOLDERS = List.of(
            Pattern.compile("replace[-_ ]?me", Pattern.CASE_INSENSITIVE),
            Pattern.compile("change[-_ ]?me", Pattern.CASE_INSENSITIVE),
            Pattern.compile("your[-_](org|account|domain|pool|bucket|team|company|tenant|issuer)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("<[a-z][a-z0-9 _-]*>", Pattern.CASE_INSENSITIVE),
            Pattern.compile("(?<!\\d)(111111111111|123456789012|111122223333|444455556666|555555555555|777788889999|999999999999|000000000000)(?!\\d)"),
            Pattern.compile("(^|[./@])example\\.(com|org|net)($|[/:.?#])", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\.(example|invalid)($|[/:?#])", Pattern.CASE_INSENSITIVE));

    static final String ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

    private ManifestPlaceholders() {}

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

    /** Each placeholder in the environments' rendered manifests, as "env: Kind name field: value (placeholder 'x')". */
    @SuppressWarnings("unchecked")
    static List<String> find(Map<String, List<Map<String, Object>>> manifests) {
        List<String> found = new ArrayList<>();
        manifests.forEach((environment, documents) -> {
            for (Map<String, Object> document : documents) {
                Map<String, Object> metadata = (Map<String, Object>) document.getOrDefault("metadata", Map.of());
                String where = environment + ": " + document.get("kind") + " " + metadata.get("name") + " ";
                switch (String.valueOf(document.get("kind"))) {
                    case "Stack" -> {
                        Map<String, Object> spec = (Map<String, Object>) document.getOrDefault("spec", Map.of());
                        for (String field : List.of("projectRepo", "stack")) {
                            check(found, where + "spec." + field, spec.get(field));
                        }
                    }
                    case "ServiceAccount" -> {
                        Map<String, Object> annotations = (Map<String, Object>) metadata.getOrDefault("annotations", Map.of());
                        check(found, where + "metadata.annotations." + ROLE_ANNOTATION, annotations.get(ROLE_ANNOTATION));
                    }
                    default -> { }
                }
            }
        });
        return found;
    }

    private static void check(List<String> found, String where, Object value) {
        if (value != null) {
            in(value.toString()).ifPresent(placeholder -> found.add(where + ": " + value + " (placeholder '" + placeholder + "')"));
        }
    }
}
