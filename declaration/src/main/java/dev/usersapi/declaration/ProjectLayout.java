package dev.usersapi.declaration;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's shared documents live, found from any directory inside the checkout. */
public record ProjectLayout(Path root) {

    /** Walks up from {@code start} to the directory holding the project's {@code Pulumi.yaml}. */
    public static ProjectLayout findFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("Pulumi.yaml")) && Files.isDirectory(dir.resolve("stacks"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new StackDeclarationException("no users-api checkout (Pulumi.yaml beside stacks/) above " + start.toAbsolutePath());
    }

    /** From the working directory, which is where Maven, Pulumi and the local launcher run. */
    public static ProjectLayout current() {
        return findFrom(Path.of(""));
    }

    public Path stackFile(String stack) {
        return root.resolve("stacks").resolve("Pulumi." + stack + ".yaml");
    }

    public Path openApiDocument() {
        return root.resolve("api").resolve("openapi.yaml");
    }
}
