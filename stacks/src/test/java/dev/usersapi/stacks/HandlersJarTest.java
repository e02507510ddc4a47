package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
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
        Path root = ProjectLayout.current().root();
        for (String part : List.of("pom.xml", "Pulumi.yaml", "api", "stacks/Pulumi.dev.yaml", "declaration/pom.xml",
                "declaration/src", "handlers/pom.xml", "handlers/src/main", "local/pom.xml", "stacks/pom.xml")) {
            copy(root.resolve(part), checkout.resolve(part));
        }
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

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
