package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A stack refused at start by the program and one refused by the policy pack read the same words. */
class PolicyMessagesTest {
    private static final Path POLICY = ProjectLayout.current().root().resolve("policy");

    @Test
    void programAndPackShareTheMandatoryRulesMessages() throws IOException {
        String pack = Files.readString(POLICY.resolve("src/rules/table.ts"));
        for (String message : List.of(PolicyMessages.POINT_IN_TIME_RECOVERY, PolicyMessages.ENCRYPTION, PolicyMessages.PAY_PER_REQUEST)) {
            assertTrue(pack.contains("\"" + message + "\""), "policy/src/rules/table.ts lacks: " + message);
        }
        String retention = Files.readString(POLICY.resolve("src/rules/retention.ts"));
        assertTrue(retention.contains("\"" + PolicyMessages.USERS_KEPT.replace("\"", "\\\"") + "\""),
                "policy/src/rules/retention.ts lacks: " + PolicyMessages.USERS_KEPT);
    }

    @Test
    void theProgramRefusesARetentionWhereThePackMakesItsRuleMandatory() throws IOException {
        Set<String> mandatory = new TreeSet<>();
        for (String stack : StackRuns.STACKS) {
            var config = JsonParser.parseString(Files.readString(POLICY.resolve("config/" + stack + ".json"))).getAsJsonObject();
            var level = config.has("users-retention-off") ? config.get("users-retention-off") : config.get("all");
            String value = level.isJsonObject() ? level.getAsJsonObject().get("enforcementLevel").getAsString() : level.getAsString();
            if (value.equals("mandatory")) {
                mandatory.add(stack);
            }
        }
        assertEquals(mandatory, new TreeSet<>(StackSettings.STACKS_THAT_KEEP_USERS));
    }
}
