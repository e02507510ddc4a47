package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.stacks.cli.FreshClone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program deploys the handlers of its own commit even where nothing was built first, as in
 * the Kubernetes operator's workspace: from a checkout with no target/ directory, it builds the jar.
 */
class HandlersJarTest {
    @TempDir
    Path checkout;

    @Test
    void buildsTheLambdaJarFromACleanCheckout() throws IOException {
        FreshClone.of(ProjectLayout.current().root(), checkout);
        assertFalse(Files.exists(checkout.resolve("handlers/target")));

        Path jar = HandlersJar.ensure(checkout);

        assertTrue(jar.startsWith(checkout.resolve("handlers/target")));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertTrue(zip.getEntry("dev/usersapi/api/UsersApiHandler.class") != null);
            assertTrue(zip.getEntry("dev/usersapi/stream/UserStreamHandler.class") != null);
            assertTrue(zip.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class") != null, "shaded");
        }
        assertFalse(HandlersJar.isStale(checkout, jar));
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
