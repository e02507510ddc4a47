package dev.usersapi.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EntityTagsTest {
    @Test
    void readsAStrongTagAsTheRequiredVersion() {
        assertEquals(OptionalLong.of(3), EntityTags.requiredVersion("\"3\""));
        assertEquals(OptionalLong.of(12), EntityTags.requiredVersion(" \"12\" "));
    }

    @Test
    void requiresNothingForAStarOrNoHeader() {
        assertEquals(OptionalLong.empty(), EntityTags.requiredVersion("*"));
        assertEquals(OptionalLong.empty(), EntityTags.requiredVersion(null));
    }

    @Test
    void turnsAWeakTagIntoAVersionNoUserHas() {
        assertEquals(OptionalLong.of(0), EntityTags.requiredVersion("W/\"3\""));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"3", "\"abc\"", "\"0\"", "\"1\", \"2\"", "", "\"99999999999999999999\""}) {
            assertThrows(ProblemException.class, () -> EntityTags.requiredVersion(bad), bad);
        }
    }
}
