package dev.usersapi.stacks;

import com.pulumi.aws.backup.Plan;
import com.pulumi.aws.backup.PlanArgs;
import com.pulumi.aws.backup.Selection;
import com.pulumi.aws.backup.SelectionArgs;
import com.pulumi.aws.backup.Vault;
import com.pulumi.aws.backup.VaultArgs;
import com.pulumi.aws.backup.VaultNotifications;
import com.pulumi.aws.backup.VaultNotificationsArgs;
import com.pulumi.aws.backup.inputs.PlanRuleArgs;
import com.pulumi.aws.backup.inputs.PlanRuleCopyActionArgs;
import com.pulumi.aws.backup.inputs.PlanRuleCopyActionLifecycleArgs;
import com.pulumi.aws.backup.inputs.PlanRuleLifecycleArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.iam.RolePolicyAttachmentArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import java.util.List;
import java.util.Map;

/**
 * A daily AWS Backup of the users table into a vault of this account, each recovery point copied
 * to a vault in another account ({@code users-api:backup}), so that losing this account (deleted,
 * compromised, closed) does not lose the backups with the table. Point-in-time recovery covers the
 * last 35 days inside the account; this covers the account itself.
 *
 * <p>What the other account and the organization must have (docs/runbooks.md, "backup"):
 * cross-account backup enabled in AWS Organizations, AWS Backup's advanced DynamoDB features on in
 * both accounts (without them a DynamoDB backup cannot be copied across accounts), and a
 * destination vault whose access policy allows {@code backup:CopyIntoBackupVault} from this account.
 * The vault here is encrypted with a key of its own that the other account may use, because a copy
 * across accounts cannot be made from a vault under the AWS-managed key.
 *
 * <p>Every prerequisite lives outside the stack, so a first {@code pulumi up} succeeds however they
 * stand and only the nightly jobs fail: the vault notifies the alarm topic of each finished backup
 * job and of each failed copy ({@link #NOTIFIED_EVENTS}), so on-call hears of a failure the night
 * it happens (docs/runbooks.md, "backup-jobs").
 */
public final class TableBackup extends ComponentResource {
    static final String SCHEDULE = "cron(0 3 * * ? *)";
    static final String SERVICE_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup";
    static final String RESTORE_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores";

    /**
     * What the vault tells the alarm topic. PutBackupVaultNotifications (AWS Backup API reference)
     * still accepts BACKUP_JOB_FAILED, but lists it among the deprecated events that "do not return
     * statuses or notifications"; a failed backup job is notified as BACKUP_JOB_COMPLETED, whose
     * State attribute says FAILED, ABORTED or EXPIRED ("Subscribing to Completed events is
     * equivalent to subscribing to Successful, Failed, or Expired events"), so the topic also hears
     * each night's success: the backup's heartbeat. A copy's failure has an event of its own.
     */
    static final List<String> NOTIFIED_EVENTS = List.of("BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED");

    private final Plan plan;

    /** {@code alarmTopicArn}: the alarm topic, once AWS Backup may publish to it (Alarms.publishableTopicArn). */
    public TableBackup(String name, DeclaredTable table, StackSettings.Backup settings, Output<String> alarmTopicArn,
                       Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:data:TableBackup", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();

        ManagedKeys.WithPolicy key = ManagedKeys.withPolicy(name + "-vault-key",
                "users-api backup vault: recovery points, shared with the copy account " + settings.copyAccountId(),
                arn -> vaultKeyPolicy(arn, settings.copyAccountId()), tags, children);
        Vault vault = new Vault(name + "-vault", VaultArgs.builder()
                .kmsKeyArn(key.key().arn())
                .tags(tags)
                .build(), CustomResourceOptions.builder().parent(this).dependsOn(key.policy()).build());
        new VaultNotifications(name + "-vault-notifications", VaultNotificationsArgs.builder()
                .backupVaultName(vault.name())
                .snsTopicArn(alarmTopicArn)
                .backupVaultEvents(NOTIFIED_EVENTS)
                .build(), children);
        Role role = new Role(name + "-role", RoleArgs.builder()
                .assumeRolePolicy(IamPolicies.serviceTrust("backup.amazonaws.com"))
                .permissionsBoundary(IamPolicies.permissionsBoundary(table.arn(), tags))
                .tags(tags)
                .build(), children);
        for (String policy : List.of(SERVICE_ROLE_POLICY, RESTORE_ROLE_POLICY)) {
            new RolePolicyAttachment(name + "-role-" + policy.substring(policy.lastIndexOf("For") + 3).toLowerCase(java.util.Locale.ROOT),
                    RolePolicyAttachmentArgs.builder().role(role.name()).policyArn(policy).build(), children);
        }
        this.plan = new Plan(name + "-plan", PlanArgs.builder()
                .rules(PlanRuleArgs.builder()
                        .ruleName("daily")
                        .targetVaultName(vault.name())
                        .schedule(SCHEDULE)
                        .lifecycle(PlanRuleLifecycleArgs.builder().deleteAfter(settings.retentionDays()).build())
                        .copyActions(PlanRuleCopyActionArgs.builder()
                                .destinationVaultArn(copyVaultArn(settings))
                                .lifecycle(PlanRuleCopyActionLifecycleArgs.builder().deleteAfter(settings.copyRetentionDays()).build())
                                .build())
                        .build())
                .tags(tags)
                .build(), children);
        new Selection(name + "-selection", SelectionArgs.builder()
                .planId(plan.id())
                .iamRoleArn(role.arn())
                .resources(table.arn().applyValue(List::of))
                .build(), children);
        registerOutputs(Map.of("planId", plan.id()));
    }

    static String copyVaultArn(StackSettings.Backup settings) {
        return "arn:aws:backup:" + settings.copyRegion() + ":" + settings.copyAccountId() + ":backup-vault:" + settings.copyVaultName();
    }

    /** The account administers the key; the copy account may decrypt and re-encrypt what is copied to it. */
    static String vaultKeyPolicy(String keyArn, String copyAccountId) {
        String partition = keyArn.split(":")[1];
        return IamPolicies.keyPolicy(keyArn, List.of(new IamPolicies.KeyUser("CopyAccountUsesKey", "AWS",
                "arn:" + partition + ":iam::" + copyAccountId + ":root",
                List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*"))));
    }

    public Output<String> planId() {
        return plan.id();
    }
}
