package dev.usersapi.stacks.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The hash the Pulumi engine gives an archive the program registers, computed as the engine does
 * (pulumi/pulumi, sdk/go/common/resource/archive/archive.go, {@code EnsureHashWithWD}): for an
 * archive read from a path whose name ends in one of {@code ArchiveExts} ({@code .tar},
 * {@code .tgz}, {@code .tar.gz}, {@code .zip}, {@code .jar}), {@code ReadSourceArchiveWithWD}
 * opens the file and the hash is the SHA-256 of its bytes, copied straight into the hash. Any
 * other archive (a directory, assets, a URL) the engine first re-archives as tar; that path is
 * not reproduced here, so such an archive fails the registration rather than get a wrong hash.
 */
final class ArchiveHashes {
    /** Pulumi's wire format: the key that marks a special value, and the signature of an archive. */
    static final String SIG_KEY = "4dabf18193072939515e22adb298388d";
    static final String ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
    private static final List<String> ARCHIVE_EXTS = List.of(".tar", ".tgz", ".tar.gz", ".zip", ".jar");

    private ArchiveHashes() {}

    /** The inputs with each archive's {@code hash} set, as the engine records them. */
    static Struct withHashes(Struct inputs) {
        Struct.Builder out = Struct.newBuilder();
        inputs.getFieldsMap().forEach((key, value) -> out.putFields(key, withHashes(value)));
        return out.build();
    }

    private static Value withHashes(Value value) {
        if (value.hasStructValue()) {
            Map<String, Value> fields = value.getStructValue().getFieldsMap();
            Value sig = fields.get(SIG_KEY);
            if (sig != null && sig.getStringValue().equals(ARCHIVE_SIG) && fields.containsKey("path")
                    && fields.getOrDefault("hash", Value.getDefaultInstance()).getStringValue().isEmpty()) {
                String hash = ofPath(Path.of(fields.get("path").getStringValue()));
                return Value.newBuilder().setStructValue(value.getStructValue().toBuilder()
                        .putFields("hash", Value.newBuilder().setStringValue(hash).build())).build();
            }
            return Value.newBuilder().setStructValue(withHashes(value.getStructValue())).build();
        }
        if (value.hasListValue()) {
            ListValue.Builder list = ListValue.newBuilder();
            value.getListValue().getValuesList().forEach(item -> list.addValues(withHashes(item)));
            return Value.newBuilder().setListValue(list).build();
        }
        return value;
    }

    /** The engine's hash of a path archive; the path as the program sent it (the Java SDK sends it absolute). */
    static String ofPath(Path path) {
        String name = path.getFileName().toString();
        if (ARCHIVE_EXTS.stream().noneMatch(name::endsWith)) {
            throw new IllegalArgumentException("the engine hashes " + path + " as a tar of its contents, which this engine does not reproduce");
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("the engine cannot read the archive " + path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
