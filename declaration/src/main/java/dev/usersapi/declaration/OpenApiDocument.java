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
                        Boolean.TRUE.equals(details.get("deprecated"))));
            }
        }));
        return List.copyOf(operations);
    }
}
