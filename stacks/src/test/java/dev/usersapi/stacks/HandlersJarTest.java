package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program deploys the handlers of its own commit: the jar of the version the pom names, rebuilt
 * when a source is newer. That it builds the jar in a checkout with no target/ directory, as the
 * Kubernetes operator's workspace is, PulumiCliPreviewTest shows from its second fresh clone.
 */
class HandlersJarTest {
    @TempDir
    Path checkout;

    @Test
    void theJarIsTheOneOfTheVersionThePomNamesNotAnotherLeftInTarget() throws IOException {
        Path root = ProjectLayout.current().root();
        Files.createDirectories(checkout.resolve("handlers/target"));
        Files.copy(root.resolve("pom.xml"), checkout.resolve("pom.xml"));
        Files.copy(root.resolve("handlers/pom.xml"), checkout.resolve("handlers/pom.xml"));
        String name = HandlersJar.fileName(checkout);
        assertTrue(name.matches("users-api-handlers-\\d[^/]*-lambda\\.jar"), name);
        Files.writeString(checkout.resolve("handlers/target/users-api-handlers-0.9.0-lambda.jar"), "an older version's jar");
        assertFalse(HandlersJar.find(checkout).isPresent(), "the old version's jar is not taken");
        Path jar = Files.writeString(checkout.resolve("handlers/target/" + name), "this version's jar");
        assertEquals(java.util.Optional.of(jar), HandlersJar.find(checkout));
    }

    @Test
    void aSourceNewerThanTheJarMakesItStale() throws IOException {
        Path jarDir = Files.createDirectories(checkout.resolve("handlers/target"));
        Path jar = Files.writeString(jarDir.resolve("users-api-handlers-1-lambda.jar"), "old");
        Path source = Files.createDirectories(checkout.resolve("handlers/src/main/java")).resolve("Changed.java");
        Files.writeString(source, "class Changed {}");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_000));
        assertTrue(HandlersJar.isStale(checkout, jar));
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(500));
        assertFalse(HandlersJar.isStale(checkout, jar));
    }
}
