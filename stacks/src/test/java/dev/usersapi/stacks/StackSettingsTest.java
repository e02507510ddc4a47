package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The program refuses a stack that breaks a mandatory rule before it declares anything. */
class StackSettingsTest {
    /** The dev stack's config, changed: what `pulumi config set` would do. */
    @SuppressWarnings("unchecked")
    private static StackFile devWith(String key, String field, Object value) {
        return stackWith("dev", key, field, value);
    }

    @SuppressWarnings("unchecked")
    private static StackFile stackWith(String stack, String key, String field, Object value) {
        return StackFile.of(stack, configWith(stack, key, field, value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> configWith(String stack, String key, String field, Object value) {
        Map<String, Object> document = new Yaml().load(read(stack));
        Map<String, Object> config = new HashMap<>((Map<String, Object>) document.get("config"));
        Map<String, Object> section = new HashMap<>((Map<String, Object>) config.get(key));
        section.put(field, value);
        config.put(key, section);
        return config;
    }

    private static String readDev() {
        return read("dev");
    }

    private static String read(String stack) {
        try {
            return java.nio.file.Files.readString(ProjectLayout.current().stackFile(stack));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void pointInTimeRecoveryOffIsRefusedWithThePolicyMessage() {
        var error = assertThrows(StackDeclarationException.class,
                () -> StackSettings.from(devWith("users-api:table", "pointInTimeRecovery", false)));
        assertEquals(PolicyMessages.POINT_IN_TIME_RECOVERY, error.getMessage());
    }

    @Test
    void encryptionOffIsRefusedWithThePolicyMessage() {
        var error = assertThrows(StackDeclarationException.class,
                () -> StackSettings.from(devWith("users-api:table", "encryption", Map.of("enabled", false))));
        assertEquals(PolicyMessages.ENCRYPTION, error.getMessage());
    }

    @Test
    void provisionedBillingIsRefusedWithThePolicyMessage() {
        var error = assertThrows(StackDeclarationException.class,
                () -> StackSettings.from(devWith("users-api:table", "billingMode", "PROVISIONED")));
        assertEquals(PolicyMessages.PAY_PER_REQUEST, error.getMessage());
    }

    @Test
    void aUserRetentionIsRefusedOnProdAndStagingWithThePolicyMessage() {
        for (String stack : java.util.List.of("prod", "staging")) {
            var error = assertThrows(StackDeclarationException.class,
                    () -> StackSettings.from(stackWith(stack, "users-api:table", "retention", "P5D")), stack);
            assertEquals(PolicyMessages.USERS_KEPT, error.getMessage());
            assertEquals(java.util.Optional.empty(), StackSettings.from(StackFile.load(ProjectLayout.current(), stack)).table().retention(),
                    stack + " keeps its users");
        }
        assertEquals(java.util.Optional.of(java.time.Duration.ofDays(5)),
                StackSettings.from(StackFile.load(ProjectLayout.current(), "dev")).table().retention(), "dev's demo retention");
    }

    /**
     * Finding 15 of the deploy review: a burst the stage admits beyond the API function's reserved
     * concurrency is throttled by Lambda and answered by the HTTP API with a bare 500
     * (https://repost.aws/knowledge-center/api-gateway-internal-server-error).
     */
    @Test
    void aStageBurstAboveTheApiFunctionsReservedConcurrencyIsRefused() {
        int reserved = StackSettings.from(StackFile.load(ProjectLayout.current(), "dev")).functions().api().reservedConcurrency();
        var error = assertThrows(StackDeclarationException.class, () -> StackSettings.from(
                devWith("users-api:api", "throttle", Map.of("burstLimit", reserved + 1, "rateLimit", 10))));
        assertTrue(error.getMessage().startsWith("users-api:api.throttle.burstLimit (" + (reserved + 1) + ") is above "
                + "users-api:functions.api.reservedConcurrency (" + reserved + ")"), error.getMessage());
        assertTrue(error.getMessage().contains("bare 500"), error.getMessage());
    }

    @Test
    void everyStackAdmitsNoBurstItsApiFunctionCannotServe() {
        for (String stack : StackRuns.STACKS) {
            StackSettings settings = StackSettings.from(StackFile.load(ProjectLayout.current(), stack));
            int reserved = settings.functions().api().reservedConcurrency();
            assertTrue(settings.api().throttleBurstLimit() <= reserved, stack + "'s stage burst");
            settings.api().routeThrottles().forEach((route, throttle) ->
                    assertTrue(throttle.burstLimit() <= reserved, stack + "'s " + route + " burst"));
        }
    }

    @Test
    void aMisspeltSettingIsRefused() {
        assertThrows(StackDeclarationException.class, () -> StackSettings.from(devWith("users-api:functions", "snapstart", true)));
    }

    @Test
    void pulumiConfigWithNumbersAsDoublesReadsAsTheStackFile() {
        // Pulumi hands structured config to the program as JSON, which Gson reads with every number a Double.
        var gson = new com.google.gson.Gson();
        @SuppressWarnings("unchecked")
        Map<String, Object> yaml = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(readDev())).get("config");
        Map<String, Object> asPulumiGivesIt = new HashMap<>();
        yaml.forEach((key, value) -> asPulumiGivesIt.put(key, gson.fromJson(gson.toJson(value), Object.class)));
        assertEquals(StackSettings.from(StackFile.load(ProjectLayout.current(), "dev")),
                StackSettings.from(StackFile.of("dev", asPulumiGivesIt)));
    }
}
