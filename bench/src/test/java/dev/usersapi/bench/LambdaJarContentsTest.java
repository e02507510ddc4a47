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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What an audit of the shipped Lambda jar needs: its CycloneDX SBOM (written by the handlers'
 * build) names exactly the libraries bundled in it, at the version bundled, with a hash: every
 * class of the jar is the project's or a listed library's, and every listed library has classes in
 * it (a library the SBOM lists but the jar leaves out is a false finding for every scan of the
 * SBOM, one it leaves unlisted goes unscanned); the jar keeps each library's
 * META-INF/maven/.../pom.properties where the library has one, by which jar scanners recognise what
 * is inside; and its one META-INF/NOTICE carries every bundled library's NOTICE (Apache-2.0 section
 * 4(d)).
 */
class LambdaJarContentsTest {
    private static final Path TARGET = ProjectLayout.current().root().resolve("handlers/target");
    private static final Path REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");

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
        assertEquals(new TreeSet<>(listed.keySet()), new TreeSet<>(bundledLibraries(listed)),
                "the SBOM's components against the libraries whose classes the jar holds");

        // Every bundled library's own NOTICE, from the artifact in the local repository: its copyright lines are in the merged one.
        int notices = 0;
        for (String coordinates : bundled) {
            JsonNode component = listed.get(coordinates);
            Path artifact = REPOSITORY.resolve(component.get("group").asText().replace('.', '/')).resolve(component.get("name").asText())
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

    /**
     * The listed libraries the jar holds classes of, read from their artifacts in the local
     * repository; fails on a class of the jar that is neither the project's nor any listed
     * library's (a bundled library the SBOM leaves out), and on a library with a pom.properties of
     * its own whose copy the jar dropped (some, as reactive-streams, were not built with one).
     */
    private static Set<String> bundledLibraries(Map<String, JsonNode> listed) throws IOException {
        Set<String> classes = new HashSet<>();
        Set<String> entries = new HashSet<>();
        try (JarFile jar = new JarFile(lambdaJar().toFile())) {
            jar.stream().map(JarEntry::getName).forEach(entries::add);
            entries.stream().filter(LambdaJarContentsTest::isClass).forEach(classes::add);
        }
        Set<String> owned = new HashSet<>();
        Set<String> bundled = new TreeSet<>();
        for (var library : listed.entrySet()) {
            JsonNode component = library.getValue();
            Path artifact = REPOSITORY.resolve(component.get("group").asText().replace('.', '/')).resolve(component.get("name").asText())
                    .resolve(component.get("version").asText())
                    .resolve(component.get("name").asText() + "-" + component.get("version").asText() + ".jar");
            assertTrue(Files.exists(artifact), library.getKey() + " is listed, but its artifact is not in the local repository: " + artifact);
            try (JarFile own = new JarFile(artifact.toFile())) {
                List<String> its = own.stream().map(JarEntry::getName).filter(LambdaJarContentsTest::isClass).toList();
                owned.addAll(its);
                if (its.stream().anyMatch(classes::contains)) {
                    bundled.add(library.getKey());
                    String properties = "META-INF/maven/" + component.get("group").asText() + "/" + component.get("name").asText() + "/pom.properties";
                    assertTrue(own.getEntry(properties) == null || entries.contains(properties), library.getKey() + ": the jar dropped its " + properties);
                }
            }
        }
        List<String> unlisted = classes.stream().filter(name -> !name.startsWith("dev/usersapi/") && !owned.contains(name)).sorted().toList();
        assertTrue(unlisted.isEmpty(), "classes in the jar of no library its SBOM lists: " + unlisted.subList(0, Math.min(10, unlisted.size())));
        return bundled;
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }

    private static Path lambdaJar() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Lambda jar in " + TARGET + ": the handlers module packages it first"));
        }
    }
}
