package dev.usersapi.stacks.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A Maven user home whose local repository holds every third-party artifact this machine already
 * has, but none of this project's: as on a user's laptop, the operator's workspace pod or a
 * workflow runner, where nobody ran {@code mvn install}. Files are hard links into the real
 * repository for the artifacts themselves, which are never rewritten, so preparing it is cheap; what
 * is still missing is downloaded from Maven Central as usual.
 */
public final class IsolatedMavenHome {
    private static final Path PROJECT_GROUP = Path.of("dev", "usersapi");

    private final Path home;

    private IsolatedMavenHome(Path home) {
        this.home = home;
    }

    /** {@code realRepository} is the local repository of the build running the test. */
    public static IsolatedMavenHome create(Path realRepository, Path home) {
        Path repository = home.resolve(".m2/repository");
        try {
            Files.createDirectories(repository);
            linkTree(realRepository, repository);
            Files.writeString(home.resolve(".m2/settings.xml"),
                    "<settings><localRepository>" + repository + "</localRepository></settings>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IsolatedMavenHome(home);
    }

    /** {@code MAVEN_OPTS} for a Maven that reads this home instead of the user's. */
    public String mavenOpts() {
        return "-Duser.home=" + home;
    }

    public Path repository() {
        return home.resolve(".m2/repository");
    }

    private static boolean isImmutable(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".jar") || name.endsWith(".pom") || name.endsWith(".sha1");
    }

    private static void linkTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(dir);
                if (relative.equals(PROJECT_GROUP)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(relative.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (!isImmutable(file)) {
                    // The resolver rewrites its bookkeeping files in place: those are copied.
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.createLink(target, file);
                } catch (FileSystemException | UnsupportedOperationException e) {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
