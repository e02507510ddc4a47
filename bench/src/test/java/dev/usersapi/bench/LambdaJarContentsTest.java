package dev.usersapi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What an audit of the shipped Lambda jar needs: its CycloneDX SBOM (written by the handlers'
 * build) names every library bundled in it, at the version bundled, with a hash; the jar keeps
 * each library's META-INF/maven/.../pom.properties, by which jar scanners recognise what is inside;
 * and its one META-INF/NOTICE carries every bundled library's NOTICE (Apache-2.0 section 4(d)).
 */
class LambdaJarContentsTest {
    private static final Path TARGET = ProjectLayout.current().root().resolve("handlers/target");

    @Test
    void theSbomNamesEveryBundledLibraryAndTheJarKeepsTheirPomPropertiesAndNotices() throws IOException {
        Path sbomFile = TARGET.resolve("users-api-handlers-sbom.json");
        // cyclonedx-maven-plugin's makeBom requires online mode: an offline (-o) package skips it with a warning.
        assertTrue(Files.exists(sbomFile), sbomFile + " is written by the handlers' package, online (makeBom skips itself with -o)");
        assertTrue(Files.getLastModifiedTime(sbomFile).compareTo(Files.getLastModifiedTime(lambdaJar())) >= 0,
                "the SBOM is older than the jar it describes: an offline package skipped makeBom");
        JsonNode sbom = new ObjectMapper().readTree(sbomFile.toFile());
        assertEquals("CycloneDX", sbom.get("bomFormat").asText());
        assertEquals("users-api-handlers", sbom.get("metadata").get("component").get("name").asText());
        Map<String, JsonNode> listed = new HashMap<>();
        for (JsonNode component : sbom.get("components")) {
            listed.put(component.get("group").asText() + ":" + component.get("name").asText(), component);
        }

        List<String> bundled = new ArrayList<>();
        String notice;
        try (JarFile jar = new JarFile(lambdaJar().toFile())) {
            for (var entry : jar.stream().filter(e -> e.getName().matches("META-INF/maven/[^/]+/[^/]+/pom\\.properties")).toList()) {
                Properties pom = new Properties();
                try (InputStream in = jar.getInputStream(entry)) {
                    pom.load(in);
                }
                String coordinates = pom.getProperty("groupId") + ":" + pom.getProperty("artifactId");
                if (coordinates.equals("dev.usersapi:users-api-handlers")) {
                    continue;
                }
                bundled.add(coordinates);
                JsonNode component = listed.get(coordinates);
                assertTrue(component != null, coordinates + " is in the jar but not in its SBOM");
                assertEquals(pom.getProperty("version"), component.get("version").asText(), coordinates);
                assertTrue(component.path("hashes").findValuesAsText("alg").contains("SHA-256"), coordinates + " has no SHA-256");
            }
            notice = new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE")).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(bundled.size() > 20, "libraries the jar names: " + new TreeSet<>(bundled));

        // Every bundled library's own NOTICE, from the artifact in the local repository: its copyright lines are in the merged one.
        Path repository = Path.of(System.getProperty("user.home"), ".m2", "repository");
        int notices = 0;
        for (String coordinates : bundled) {
            JsonNode component = listed.get(coordinates);
            Path artifact = repository.resolve(component.get("group").asText().replace('.', '/')).resolve(component.get("name").asText())
                    .resolve(component.get("version").asText())
                    .resolve(component.get("name").asText() + "-" + component.get("version").asText() + ".jar");
            if (!Files.exists(artifact)) {
                continue;
            }
            try (JarFile library = new JarFile(artifact.toFile())) {
                for (String name : List.of("META-INF/NOTICE", "META-INF/NOTICE.txt", "META-INF/NOTICE.md")) {
                    var entry = library.getEntry(name);
                    if (entry == null) {
                        continue;
                    }
                    notices++;
                    String own = new String(library.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                    try (Stream<String> lines = own.lines()) {
                        lines.map(String::strip).filter(line -> line.startsWith("Copyright")).forEach(line ->
                                assertTrue(notice.contains(line), coordinates + "'s NOTICE line is missing from the jar's: " + line));
                    }
                }
            }
        }
        assertTrue(notices >= 2, "libraries with a NOTICE of their own: " + notices);
    }

    private static Path lambdaJar() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Lambda jar in " + TARGET + ": the handlers module packages it first"));
        }
    }
}
