package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.preview.RecordingMocks;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The program deploys no placeholder, and a stack whose tables resist deletion has Pulumi protect them too. */
class PlaceholdersTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(String stack) {
        try {
            Map<String, Object> document = new Yaml().load(Files.readString(ProjectLayout.current().stackFile(stack)));
            return new HashMap<>((Map<String, Object>) document.get("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> with(Map<String, Object> config, String key, String field, Object value) {
        Map<String, Object> section = new HashMap<>((Map<String, Object>) config.get(key));
        section.put(field, value);
        config.put(key, section);
        return config;
    }

    @Test
    void aPlaceholderAnywhereInAStackIsNamedBySetting() {
        Map<String, Object> cors = Map.of("allowOrigins", List.of("http://localhost:3000", "https://app.example.com"), "maxAgeSeconds", 300);
        List<String> found = StackSettings.from(StackFile.of("dev", with(config("dev"), "users-api:api", "cors", cors))).placeholders();
        assertEquals(List.of("users-api:api.cors.allowOrigins[1]: https://app.example.com (placeholder 'example.com')"), found);

        @SuppressWarnings("unchecked")
        Map<String, Object> encryption = new HashMap<>((Map<String, Object>) ((Map<String, Object>) config("prod").get("users-api:table")).get("encryption"));
        encryption.put("kmsKeyArn", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        found = StackSettings.from(StackFile.of("prod", with(config("prod"), "users-api:table", "encryption", encryption))).placeholders();
        assertTrue(found.contains("users-api:table.encryption.kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                + " (placeholder '111122223333')"), found.toString());
    }

    /** staging's file ships who is paged as a placeholder: a preview warns, a deployment (not a dry run) is refused, naming it. */
    @Test
    void aDeploymentOfAStackWithAPlaceholderIsRefused() {
        ProjectLayout layout = ProjectLayout.current();
        StackSettings staging = StackSettings.from(StackFile.load(layout, "staging"));
        assertTrue(staging.placeholders().stream().anyMatch(p -> p.startsWith("users-api:alarms.subscriptions[0].endpoint: ")), staging.placeholders().toString());
        try {
            TestResult up = PulumiTest.withMocks(new RecordingMocks())
                    .withOptions(TestOptions.builder().projectName(StackFile.PROJECT).stackName("staging").preview(false).build())
                    .runTest(ctx -> UsersApiProgram.define(ctx, staging, layout, layout.root().resolve("handlers/target/unused-lambda.jar")));
            assertTrue(up.exceptions().stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("users-api:alarms.subscriptions[0].endpoint")),
                    up.exceptions().toString());
        } finally {
            PulumiTest.cleanup();
        }
    }

    @Test
    void placeholdersAreToldFromRealValues() {
        for (String placeholder : List.of("your-org", "123456789012", "https://issuer.example.com/", "CHANGEME", "<account-id>")) {
            assertTrue(Placeholders.in("x " + placeholder).isPresent(), placeholder);
        }
        for (String real : List.of("eu-west-1", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab3dEf9Gh", "http://localhost:3000",
                "email-index", "arn:aws:kms:eu-west-1:210987654321:key/0f1e2d3c", "PT24H", "example-users")) {
            assertEquals(Optional.empty(), Placeholders.in(real), real);
        }
    }

    @Test
    void aStackWhoseTablesHaveDeletionProtectionMustProtectThemInPulumiToo() {
        var refused = assertThrows(StackDeclarationException.class,
                () -> StackSettings.from(StackFile.of("staging", withProtectData(config("staging"), false))));
        assertTrue(refused.getMessage().startsWith("users-api:protectData must be true where a table has deletion protection"), refused.getMessage());
        assertTrue(StackSettings.from(StackFile.load(ProjectLayout.current(), "staging")).protectData(), "staging protects its data");
    }

    private static Map<String, Object> withProtectData(Map<String, Object> config, boolean value) {
        config.put("users-api:protectData", value);
        return config;
    }
}
