package dev.usersapi.declaration;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The operations of {@code api/openapi.yaml}, read with a plain YAML parser: what the Pulumi
 * program turns into routes and the local gateway serves. (The tests validate the whole
 * document with a full OpenAPI parser; here only the routes are needed, and start-up time counts.)
 */
public final class OpenApiDocument {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private OpenApiDocument() {}

    /** The whole document as plain maps and lists, as YAML gives it. */
    public static Map<?, ?> tree(Path document) {
        try (Reader reader = Files.newBufferedReader(document, StandardCharsets.UTF_8)) {
            return (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new StackDeclarationException("cannot read the OpenAPI document " + document + ": " + e.getMessage(), e);
        }
    }

    public static List<ApiOperation> operations(Path document) {
        Map<?, ?> root = tree(document);
        List<ApiOperation> operations = new ArrayList<>();
        ((Map<?, ?>) root.get("paths")).forEach((path, item) -> ((Map<?, ?>) item).forEach((method, operation) -> {
            if (METHODS.contains(String.valueOf(method))) {
                Map<?, ?> details = (Map<?, ?>) operation;
                operations.add(new ApiOperation(
                        String.valueOf(details.get("operationId")),
                        String.valueOf(method).toUpperCase(Locale.ROOT),
                        String.valueOf(path),
                        Boolean.TRUE.equals(details.get("deprecated")),
                        scopes(details.get("security"), String.valueOf(details.get("operationId")))));
            }
        }));
        return List.copyOf(operations);
    }

    /**
     * The scopes of an operation's security requirements. Each requirement is one alternative
     * (OpenAPI: any one satisfies), and API Gateway admits a token that carries any one of a
     * route's authorizationScopes; so each alternative must name exactly one scope for the two to
     * mean the same, and one that names several (all required) is refused.
     */
    private static List<String> scopes(Object security, String operationId) {
        if (!(security instanceof List<?> alternatives)) {
            return List.of();
        }
        java.util.LinkedHashSet<String> scopes = new java.util.LinkedHashSet<>();
        for (Object alternative : alternatives) {
            if (!(alternative instanceof Map<?, ?> schemes) || schemes.size() > 1) {
                throw new StackDeclarationException("operation " + operationId
                        + ": each security requirement must name one scheme, as a route has one authorizer");
            }
            for (Object required : schemes.values()) {
                List<?> names = required instanceof List<?> list ? list : List.of();
                if (names.size() > 1) {
                    throw new StackDeclarationException("operation " + operationId + ": a security requirement that needs all of "
                            + names + " cannot be an API Gateway route's authorizationScopes, which admit any one; list each as its own alternative");
                }
                names.forEach(name -> scopes.add(String.valueOf(name)));
            }
        }
        return List.copyOf(scopes);
    }
}
