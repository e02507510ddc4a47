package dev.usersapi.stacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Lambda jar of the handlers, built from the same checkout as the program. Pulumi (and
 * the Kubernetes operator, which only clones and runs the program) build nothing else, so the
 * program builds the handlers module itself with Maven when the jar is missing or older than any
 * of its sources. A stack therefore always deploys the handlers of its own commit.
 */
public final class HandlersJar {
    static final String JAR_SUFFIX = "-lambda.jar";
    private static final List<String> SOURCES = List.of("pom.xml", "handlers/pom.xml", "handlers/src");

    private HandlersJar() {}

    /** The jar, built first when needed; {@code root} is the checkout holding {@code Pulumi.yaml}. */
    public static Path ensure(Path root) {
        Optional<Path> jar = find(root);
        if (jar.isPresent() && !isStale(root, jar.get())) {
            return jar.get();
        }
        build(root);
        return find(root).orElseThrow(() -> new IllegalStateException(
                "Maven built the handlers module but left no " + fileName(root) + " in " + root.resolve("handlers/target")));
    }

    /** The jar of this checkout's handlers version, by its exact name; a jar of another version left in target/ is not it. */
    static Optional<Path> find(Path root) {
        Path jar = root.resolve("handlers").resolve("target").resolve(fileName(root));
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /** {@code <artifactId>-<version>-lambda.jar}, as the handlers' pom names its shaded jar (the version inherited from the parent's). */
    public static String fileName(Path root) {
        Path pom = root.resolve("handlers/pom.xml");
        try {
            var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            org.w3c.dom.Element project = factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
            String artifactId = child(project, "artifactId").orElseThrow(() -> new IllegalStateException(pom + " names no artifactId"));
            String version = child(project, "version").or(() -> childElement(project, "parent").flatMap(parent -> child(parent, "version")))
                    .orElseThrow(() -> new IllegalStateException(pom + " names no version"));
            return artifactId + "-" + version + JAR_SUFFIX;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IllegalStateException("cannot read " + pom, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<org.w3c.dom.Element> childElement(org.w3c.dom.Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof org.w3c.dom.Element element && element.getTagName().equals(name)) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> child(org.w3c.dom.Element parent, String name) {
        return childElement(parent, name).map(element -> element.getTextContent().trim());
    }

    static boolean isStale(Path root, Path jar) {
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            for (String source : SOURCES) {
                Path path = root.resolve(source);
                if (!Files.exists(path)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(path)) {
                    if (files.filter(Files::isRegularFile).anyMatch(file -> modifiedAfter(file, built))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean modifiedAfter(Path file, FileTime time) {
        try {
            return Files.getLastModifiedTime(file).compareTo(time) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void build(Path root) {
        // The handlers module alone, without its tests or the sibling modules only they need (the
        // sibling-test-modules profile of handlers/pom.xml): the engine is never built to deploy.
        List<String> command = List.of(maven(root), "-B", "-q", "--no-transfer-progress", "-DskipTests", "-Dmaven.test.skip=true",
                "-Dusers-api.lambda-only", "package", "-pl", "handlers");
        System.err.println("users-api: building the handlers jar: " + String.join(" ", command));
        try {
            Process process = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("building the handlers jar failed: " + String.join(" ", command) + " in " + root);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Maven to build the handlers jar", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the handlers jar", e);
        }
    }

    /** The checkout's Maven wrapper when it has one, else Maven from the PATH. */
    private static String maven(Path root) {
        Path wrapper = root.resolve("mvnw");
        return Files.isExecutable(wrapper) ? wrapper.toString() : "mvn";
    }
}
