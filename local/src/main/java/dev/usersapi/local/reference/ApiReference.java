package dev.usersapi.local.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.local.gateway.LocalPages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The interactive API reference at {@code /docs}: Swagger UI, from its webjar on the class path
 * (no network), rendering {@code api/openapi.yaml}. The document is served with one server, the
 * page's own origin, so "try it" calls this local stack whatever port it listens on; where the
 * stack demands a token, the page is pre-authorized with the token the stack printed (every scope).
 */
public final class ApiReference implements LocalPages {
    private static final String PREFIX = "/docs";
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Map<String, String> MEDIA_TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "png", "image/png", "json", "application/json", "txt", "text/plain; charset=utf-8");

    private final String assets;
    private final byte[] index;
    private final byte[] initializer;
    private final byte[] document;

    public ApiReference(Path openApiDocument, Optional<String> bearerToken) {
        ObjectMapper json = new ObjectMapper();
        this.assets = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
        this.index = resource("api-reference/index.html");
        ObjectNode contract = json.valueToTree(OpenApiDocument.tree(openApiDocument));
        ObjectNode settings = json.createObjectNode().put("specUrl", PREFIX + "/openapi.json");
        bearerToken.ifPresent(token -> {
            settings.put("bearerToken", token);
            // The page is authorized as the contract's OAuth scheme with the stack's token, so every
            // operation's "try it" sends it, whatever scopes the operation names.
            contract.path("components").path("securitySchemes").fields().forEachRemaining(scheme -> {
                if (!settings.has("securityScheme") && "oauth2".equals(scheme.getValue().path("type").asText())) {
                    settings.put("securityScheme", scheme.getKey());
                    settings.set("securitySchemeDefinition", scheme.getValue());
                }
            });
        });
        this.initializer = new String(resource("api-reference/swagger-initializer.js"), StandardCharsets.UTF_8)
                .replace("/*SETTINGS*/", settings.toString()).getBytes(StandardCharsets.UTF_8);
        // A relative server is resolved against the document's own address: this stack, on its port.
        contract.putArray("servers").addObject().put("url", "/").put("description", "this local stack");
        this.document = contract.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Optional<Page> page(String method, String rawPath) {
        if (!(method.equals("GET") || method.equals("HEAD")) || !(rawPath.equals(PREFIX) || rawPath.startsWith(PREFIX + "/"))) {
            return Optional.empty();
        }
        String name = rawPath.length() <= PREFIX.length() + 1 ? "index.html" : rawPath.substring(PREFIX.length() + 1);
        return switch (name) {
            case "index.html" -> Optional.of(page(name, index));
            case "swagger-initializer.js" -> Optional.of(page(name, initializer));
            case "openapi.json" -> Optional.of(page(name, document));
            default -> Optional.of(asset(name).map(bytes -> page(name, bytes)).orElseGet(() -> new Page(404, MEDIA_TYPES.get("json"),
                    "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8))));
        };
    }

    private Optional<byte[]> asset(String name) {
        if (!ASSET_NAME.matcher(name).matches() || name.contains("..")) {
            return Optional.empty();
        }
        try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream(assets + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Page page(String name, byte[] body) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return new Page(200, MEDIA_TYPES.getOrDefault(extension, "application/octet-stream"), body);
    }

    /** The webjar's own record of its version, so upgrading it is a change to the pom alone. */
    private static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the local stack's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
