package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.backup.Vault;
import com.pulumi.aws.backup.VaultNotifications;
import com.pulumi.aws.kms.KeyPolicy;
import com.pulumi.aws.sns.Topic;
import com.pulumi.aws.sns.TopicPolicy;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Finding 3 of the deploy review: prod's nightly backup and its copy to another account fail
 * outside the stack (prerequisites in AWS Organizations and the other account), so the vault tells
 * the alarm topic, with events AWS Backup really sends (backup/vault-notifications.json, from
 * PutBackupVaultNotifications), and the topic and its key let AWS Backup publish.
 */
class BackupNotificationsTest {
    private static final Path ROOT = ProjectLayout.current().root();

    private static JsonObject rule() throws IOException {
        return JsonParser.parseString(Files.readString(ROOT.resolve("stacks/src/test/resources/backup/vault-notifications.json"))).getAsJsonObject();
    }

    private static Set<String> strings(JsonElement array) {
        Set<String> values = new TreeSet<>();
        array.getAsJsonArray().forEach(value -> values.add(value.getAsString()));
        return values;
    }

    @Test
    void prodsVaultNotifiesTheAlarmTopicOfFailedBackupAndCopyJobsWithEventsAwsBackupSends() throws IOException {
        JsonObject rule = rule();
        StackRuns prod = StackRuns.of("prod");
        VaultNotifications notifications = prod.one(VaultNotifications.class);
        assertEquals(value(prod.one(Vault.class).name()), value(notifications.backupVaultName()));
        assertEquals(value(prod.one(Topic.class).arn()), value(notifications.snsTopicArn()));
        Set<String> events = new TreeSet<>(value(notifications.backupVaultEvents()));
        Set<String> deprecated = new TreeSet<>(events);
        deprecated.retainAll(strings(rule.get("deprecated")));
        assertEquals(Set.of(), deprecated, "events AWS Backup accepts but never sends");
        assertTrue(strings(rule.get("supported")).containsAll(events), events.toString());
        rule.getAsJsonObject("failureCarriedBy").entrySet().forEach(job ->
                assertTrue(events.contains(job.getValue().getAsString()), "a failed " + job.getKey() + " is notified: " + events));
    }

    @Test
    void awsBackupMayPublishToTheEncryptedTopicWhereTheStackBacksUp() throws IOException {
        JsonObject publisher = rule().getAsJsonObject("publisher");
        String service = publisher.get("principal").getAsString();
        StackRuns prod = StackRuns.of("prod");
        String topicArn = value(prod.one(Topic.class).arn());
        JsonObject access = JsonParser.parseString(value(prod.one(TopicPolicy.class).policy())).getAsJsonObject();
        assertEquals(strings(publisher.get("topicPolicyActions")), actionsOf(access, service, topicArn));
        assertEquals(Set.of("SNS:Publish"), actionsOf(access, "cloudwatch.amazonaws.com", topicArn), "the alarms still publish");
        JsonObject key = JsonParser.parseString(value(prod.named(KeyPolicy.class, "users-alarms-topic-key-policy").policy())).getAsJsonObject();
        assertEquals(strings(publisher.get("keyPolicyActions")), actionsOf(key, service, "*"));

        // Staging has alarms but no backup: the same topic policy without AWS Backup.
        StackRuns staging = StackRuns.of("staging");
        JsonObject stagingAccess = JsonParser.parseString(value(staging.one(TopicPolicy.class).policy())).getAsJsonObject();
        assertEquals(Set.of(), actionsOf(stagingAccess, service, value(staging.one(Topic.class).arn())));
        assertTrue(staging.all(VaultNotifications.class).isEmpty());
    }

    @Test
    void theNotificationsHaveARunbookLine() throws IOException {
        String runbooks = Files.readString(ROOT.resolve("docs/runbooks.md"));
        assertTrue(runbooks.contains("<a id=\"backup-jobs\"></a>"), "docs/runbooks.md has no line for AWS Backup's notifications");
        for (String named : List.of("`FAILED`", "`COPY_JOB_FAILED`")) {
            assertTrue(runbooks.contains(named), "the runbook tells " + named + " apart");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBackupWithoutAlarmsIsRefused() throws IOException {
        Map<String, Object> document = new org.yaml.snakeyaml.Yaml().load(Files.readString(ProjectLayout.current().stackFile("prod")));
        Map<String, Object> config = new HashMap<>((Map<String, Object>) document.get("config"));
        config.put("users-api:alarms", Map.of("enabled", false));
        var error = assertThrows(StackDeclarationException.class, () -> StackSettings.from(StackFile.of("prod", config)));
        assertTrue(error.getMessage().startsWith("users-api:backup needs users-api:alarms.enabled"), error.getMessage());
    }

    /** The actions {@code policy} allows the service principal on {@code resource}. */
    private static Set<String> actionsOf(JsonObject policy, String service, String resource) {
        Set<String> actions = new TreeSet<>();
        for (JsonElement element : policy.getAsJsonArray("Statement")) {
            JsonObject statement = element.getAsJsonObject();
            JsonObject principal = statement.getAsJsonObject("Principal");
            if (statement.get("Effect").getAsString().equals("Allow") && principal.has("Service")
                    && principal.get("Service").getAsString().equals(service)
                    && statement.get("Resource").getAsString().equals(resource)) {
                statement.getAsJsonArray("Action").forEach(action -> actions.add(action.getAsString()));
            }
        }
        return actions;
    }
}
