package dev.usersapi.stacks.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * What {@code git clone} of the commit under test gives a user, the operator's workspace pod or
 * a workflow: every file git tracks (and, while a change is being made, the new files it does
 * not ignore yet), with no build output, no {@code node_modules} and no local data.
 */
public final class FreshClone {
    private FreshClone() {}

    /** Copies the checkout at {@code root} into {@code into}, as git lists it. */
    public static Path of(Path root, Path into) {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                    .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                throw new IllegalStateException("git ls-files failed in " + root);
            }
            for (String file : listing.split("\0")) {
                Path source = root.resolve(file);
                if (file.isEmpty() || !Files.isRegularFile(source)) {
                    continue; // deleted in the working tree, or a submodule
                }
                Path target = into.resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
