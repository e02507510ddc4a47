package dev.usersapi.declaration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheDevStacksTable() {
        TableDeclaration table = StackFile.load(ProjectLayout.current(), "dev").table();
        assertEquals(new TableDeclaration.KeyAttribute("id", "S"), table.partitionKey());
        assertEquals(Optional.of(new TableDeclaration.KeyAttribute("createdAt", "N")), table.sortKey());
        assertEquals(Optional.of("deleteAt"), table.ttlAttribute());
        assertEquals(Optional.of(Duration.ofDays(5)), table.retention());
        assertEquals(Optional.of("NEW_AND_OLD_IMAGES"), table.streamViewType());
        assertEquals("email", table.globalSecondaryIndexes().get(0).partitionKey().name());
        assertEquals("updatedAt", table.localSecondaryIndexes().get(0).sortKey().name());
        assertTrue(table.pointInTimeRecovery());
        assertTrue(table.encryption().enabled());
        assertEquals(List.of("id", "createdAt", "email", "updatedAt"),
                table.keyAttributes().stream().map(TableDeclaration.KeyAttribute::name).toList());
    }

    @Test
    void refusesAMisspeltSetting() throws IOException {
        Path file = write("""
                config:
                  users-api:table:
                    partitionKey: { name: id, type: S }
                    sortKey: { name: createdAt, type: N }
                    pointInTimeRecovey: true
                """);
        var error = assertThrows(StackDeclarationException.class, () -> StackFile.load("t", file).table());
        assertTrue(error.getMessage().contains("pointInTimeRecovey"), error.getMessage());
    }

    @Test
    void refusesAnUnknownKeyType() throws IOException {
        Path file = write("""
                config:
                  users-api:table:
                    partitionKey: { name: id, type: STRING }
                    sortKey: { name: createdAt, type: N }
                """);
        assertThrows(StackDeclarationException.class, () -> StackFile.load("t", file).table());
    }

    @Test
    void readsRetentionOffAsNoExpiry() throws IOException {
        Path file = write("""
                config:
                  users-api:table:
                    partitionKey: { name: id, type: S }
                    sortKey: { name: createdAt, type: N }
                    retention: "off"
                """);
        assertEquals(Optional.empty(), StackFile.load("t", file).table().retention());
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("Pulumi.t.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
