package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.apigatewayv2.Api;
import com.pulumi.aws.apigatewayv2.outputs.ApiCorsConfiguration;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A browser on an allowed origin can use every header the contract ({@code api/openapi.yaml})
 * has it send or read: API Gateway answers the preflight from the API's CORS configuration, so
 * each request header, response header and method the contract names that the Fetch standard
 * does not safelist ({@code cors/fetch-safelists.json}) must be in it.
 */
class CorsTest {
    private static final ProjectLayout LAYOUT = ProjectLayout.current();

    @Test
    void thePreflightAllowsAndExposesEveryHeaderOfTheContractABrowserWouldOtherwiseWithhold() throws IOException {
        JsonObject fetch = JsonParser.parseString(Files.readString(LAYOUT.root().resolve("stacks/src/test/resources/cors/fetch-safelists.json")))
                .getAsJsonObject();
        Contract contract = Contract.of(OpenApiDocument.tree(LAYOUT.openApiDocument()), strings(fetch, "safelistedContentTypes"));
        // dev names the origins of a browser front end; a stack without cors answers no preflight at all.
        ApiCorsConfiguration cors = value(StackRuns.of("dev").one(Api.class).corsConfiguration()).orElseThrow();

        Set<String> needAllowing = minus(contract.requestHeaders(), strings(fetch, "safelistedRequestHeaders"));
        Set<String> needExposing = minus(contract.responseHeaders(), strings(fetch, "safelistedResponseHeaders"));
        Set<String> needMethods = minus(contract.methods(), strings(fetch, "safelistedMethods"));
        assertTrue(needAllowing.containsAll(Set.of("authorization", "content-type", "idempotency-key", "if-match")), needAllowing.toString());
        assertTrue(needExposing.containsAll(Set.of("etag", "location", "link")), needExposing.toString());

        assertEquals(Set.of(), minus(needAllowing, lower(cors.allowHeaders())), "request headers the preflight would refuse");
        assertEquals(Set.of(), minus(needExposing, lower(cors.exposeHeaders())), "response headers a script could not read");
        assertEquals(Set.of(), minus(needMethods, cors.allowMethods().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet())),
                "methods the preflight would refuse");
    }

    /** The headers and methods the contract has a client send and read. */
    record Contract(Set<String> requestHeaders, Set<String> responseHeaders, Set<String> methods) {
        static Contract of(Map<?, ?> root, Set<String> safelistedContentTypes) {
            Set<String> request = new TreeSet<>();
            Set<String> response = new TreeSet<>();
            Set<String> methods = new TreeSet<>();
            Map<?, ?> components = (Map<?, ?>) root.get("components");
            ((Map<?, ?>) root.get("paths")).values().forEach(item -> ((Map<?, ?>) item).forEach((method, operation) -> {
                if (!(operation instanceof Map<?, ?> details)) {
                    return;
                }
                if (String.valueOf(method).equals("parameters")) {
                    return;
                }
                methods.add(String.valueOf(method).toUpperCase(Locale.ROOT));
                Object parameters = details.get("parameters");
                for (Object parameter : parameters instanceof List<?> list ? list : List.of()) {
                    Map<?, ?> resolved = resolve(root, (Map<?, ?>) parameter);
                    if ("header".equals(resolved.get("in"))) {
                        request.add(String.valueOf(resolved.get("name")).toLowerCase(Locale.ROOT));
                    }
                }
                Object body = details.get("requestBody");
                if (body instanceof Map<?, ?> requestBody && resolve(root, requestBody).get("content") instanceof Map<?, ?> content
                        && content.keySet().stream().anyMatch(type -> !safelistedContentTypes.contains(String.valueOf(type)))) {
                    request.add("content-type");
                }
                if (details.get("responses") instanceof Map<?, ?> responses) {
                    responses.values().forEach(r -> {
                        if (resolve(root, (Map<?, ?>) r).get("headers") instanceof Map<?, ?> headers) {
                            headers.keySet().forEach(name -> response.add(String.valueOf(name).toLowerCase(Locale.ROOT)));
                        }
                    });
                }
            }));
            if (components.get("securitySchemes") instanceof Map<?, ?> schemes && schemes.values().stream()
                    .anyMatch(s -> Set.of("oauth2", "openIdConnect", "http").contains(String.valueOf(((Map<?, ?>) s).get("type"))))) {
                request.add("authorization"); // a bearer token travels in Authorization (RFC 6750, 2.1)
            }
            return new Contract(request, response, methods);
        }

        private static Map<?, ?> resolve(Map<?, ?> root, Map<?, ?> node) {
            Object ref = node.get("$ref");
            if (ref == null) {
                return node;
            }
            Object target = root;
            for (String part : String.valueOf(ref).substring(2).split("/")) {
                target = ((Map<?, ?>) target).get(part);
            }
            return resolve(root, (Map<?, ?>) target);
        }
    }

    private static Set<String> strings(JsonObject json, String key) {
        Set<String> values = new TreeSet<>();
        json.getAsJsonArray(key).forEach(value -> values.add(value.getAsString()));
        return values;
    }

    private static Set<String> lower(List<String> values) {
        return values.stream().map(value -> value.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> minus(Set<String> all, Set<String> less) {
        Set<String> rest = new TreeSet<>(all);
        rest.removeAll(less);
        return rest;
    }
}
