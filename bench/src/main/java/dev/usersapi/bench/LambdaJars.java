package dev.usersapi.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Lambda-shaped jars, one per HTTP client: the shipped jar with its HTTP client taken out and
 * another put in, from the jars on this module's class path. The CRT client's jar carries its
 * native library per platform; a jar keeps the one for this machine (to run here), and its
 * deployed size is taken with the one for linux arm64 instead, where the functions run.
 */
final class LambdaJars {
    /** Where the CRT keeps its native library of one platform: {@code linux/armv8/glibc/libaws-crt-jni.so}. */
    static final String DEPLOYED_PLATFORM = "linux/armv8/glibc/";
    private static final List<String> NATIVE_ROOTS = List.of("linux/", "osx/", "windows/", "freebsd/");
    private static final Set<String> HTTP_SERVICES = Set.of("META-INF/services/software.amazon.awssdk.http.SdkHttpService",
            "META-INF/services/software.amazon.awssdk.http.async.SdkAsyncHttpService");

    /** A variant's jar to run here and its size as deployed to arm64. */
    record Variant(HttpClientKind client, Path jar, long deployedBytes) {}

    private LambdaJars() {}

    static Map<HttpClientKind, Variant> build(Path shipped, Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<HttpClientKind, List<Path>> libraries = new EnumMap<>(HttpClientKind.class);
        Set<String> everyClientsEntries = new HashSet<>(HTTP_SERVICES);
        for (HttpClientKind kind : HttpClientKind.values()) {
            List<Path> jars = kind.libraryClasses().stream().map(LambdaJars::jarOf).distinct().toList();
            libraries.put(kind, jars);
            for (Path jar : jars) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    zip.stream().filter(entry -> !entry.isDirectory() && !entry.getName().startsWith("META-INF/"))
                            .forEach(entry -> everyClientsEntries.add(entry.getName()));
                }
            }
        }
        Map<HttpClientKind, Variant> variants = new EnumMap<>(HttpClientKind.class);
        for (HttpClientKind kind : HttpClientKind.values()) {
            Path jar = directory.resolve(kind.artifact() + ".jar");
            write(shipped, everyClientsEntries, libraries.get(kind), localPlatform(), jar);
            long deployed = Files.size(jar);
            if (kind == HttpClientKind.AWS_CRT) {
                Path arm64 = directory.resolve(kind.artifact() + "-arm64.jar");
                write(shipped, everyClientsEntries, libraries.get(kind), DEPLOYED_PLATFORM, arm64);
                deployed = Files.size(arm64);
            }
            variants.put(kind, new Variant(kind, jar, deployed));
        }
        return variants;
    }

    private static void write(Path shipped, Set<String> everyClientsEntries, List<Path> libraries, String platform, Path target)
            throws IOException {
        Set<String> written = new HashSet<>();
        Map<String, StringBuilder> services = new LinkedHashMap<>();
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            try (ZipFile zip = new ZipFile(shipped.toFile())) {
                for (ZipEntry entry : zip.stream().toList()) {
                    if (!everyClientsEntries.contains(entry.getName()) && written.add(entry.getName())) {
                        copy(zip, entry, out);
                    }
                }
            }
            for (Path library : libraries) {
                try (ZipFile zip = new ZipFile(library.toFile())) {
                    for (ZipEntry entry : zip.stream().toList()) {
                        String name = entry.getName();
                        if (HTTP_SERVICES.contains(name)) {
                            try (InputStream in = zip.getInputStream(entry)) {
                                services.computeIfAbsent(name, key -> new StringBuilder())
                                        .append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
                            }
                        } else if (!entry.isDirectory() && !name.startsWith("META-INF/") && !name.equals("module-info.class")
                                && (NATIVE_ROOTS.stream().noneMatch(name::startsWith) || name.startsWith(platform))
                                && written.add(name)) {
                            copy(zip, entry, out);
                        }
                    }
                }
            }
            for (var service : services.entrySet()) {
                out.putNextEntry(new ZipEntry(service.getKey()));
                out.write(service.getValue().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    private static void copy(ZipFile zip, ZipEntry entry, ZipOutputStream out) throws IOException {
        out.putNextEntry(new ZipEntry(entry.getName()));
        if (!entry.isDirectory()) {
            try (InputStream in = zip.getInputStream(entry)) {
                in.transferTo(out);
            }
        }
        out.closeEntry();
    }

    /** The CRT's directory for this machine's native library. */
    static String localPlatform() {
        String arch = System.getProperty("os.arch");
        return "linux/" + (arch.equals("aarch64") ? "armv8" : arch.equals("amd64") ? "x86_64" : arch) + "/glibc/";
    }

    private static Path jarOf(String className) {
        try {
            return Path.of(Class.forName(className, false, LambdaJars.class.getClassLoader())
                    .getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("the benchmark's class path lacks " + className, e);
        }
    }

    /** Compressed bytes of a jar's entries whose names start with {@code prefix}. */
    static long compressedBytes(Path jar, String prefix) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().filter(entry -> entry.getName().startsWith(prefix)).mapToLong(ZipEntry::getCompressedSize).sum();
        }
    }

    static Set<String> classNames(Path jar) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/"))
                    .forEach(name -> names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.')));
        }
        return names;
    }

}
