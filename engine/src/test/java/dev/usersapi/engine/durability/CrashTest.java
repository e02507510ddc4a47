package dev.usersapi.engine.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.Tables;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an engine under concurrent writes, then a reopen: every acknowledged write is
 * there, and no item is half-written.
 */
class CrashTest {
    @TempDir
    Path data;

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndNoItemIsHalfWritten() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                data.toString(), "4").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Set<String> acknowledged = new HashSet<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", lines.readLine());
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acknowledged.add(line.substring(6));
                }
                if (acknowledged.size() == 2_000) {
                    writer.destroyForcibly(); // SIGKILL, mid-write: the writers are still going
                    break;
                }
            }
        }
        writer.waitFor();
        assertEquals(137, writer.exitValue(), "the writer was killed by SIGKILL");

        try (DynamoDbEngine reopened = DynamoDbEngine.open(data, Clock.systemUTC())) {
            Set<String> found = new HashSet<>();
            JsonNode start = null;
            do {
                String from = start == null ? "" : ",\"ExclusiveStartKey\":" + start;
                JsonNode page = Tables.call(reopened, "Scan", "{\"TableName\":\"users\"" + from + "}").body();
                for (JsonNode item : page.path("Items")) {
                    String id = item.path("id").path("S").asText();
                    assertEquals(id, item.path("copy").path("S").asText(), "a whole item");
                    assertEquals(item.path("length").path("N").asInt(), item.path("payload").path("S").asText().length(), "a whole item");
                    found.add(id);
                }
                start = page.has("LastEvaluatedKey") ? page.get("LastEvaluatedKey") : null;
            } while (start != null);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(found);
            assertTrue(lost.isEmpty(), lost.size() + " acknowledged writes were lost, e.g. " + lost.stream().limit(5).toList());
            assertTrue(found.size() >= acknowledged.size());
        }
    }
}
