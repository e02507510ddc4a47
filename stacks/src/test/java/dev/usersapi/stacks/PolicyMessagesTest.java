package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stack refused at start by the program and one refused by the policy pack read the same words. */
class PolicyMessagesTest {
    @Test
    void programAndPackShareTheMandatoryRulesMessages() throws IOException {
        String pack = Files.readString(ProjectLayout.current().root().resolve("policy/src/rules/table.ts"));
        for (String message : List.of(PolicyMessages.POINT_IN_TIME_RECOVERY, PolicyMessages.ENCRYPTION, PolicyMessages.PAY_PER_REQUEST)) {
            assertTrue(pack.contains("\"" + message + "\""), "policy/src/rules/table.ts lacks: " + message);
        }
    }
}
