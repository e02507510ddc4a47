package dev.usersapi.stacks;

import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.dynamodb.TableArgs;
import com.pulumi.aws.dynamodb.inputs.TableAttributeArgs;
import com.pulumi.aws.dynamodb.inputs.TableGlobalSecondaryIndexArgs;
import com.pulumi.aws.dynamodb.inputs.TableLocalSecondaryIndexArgs;
import com.pulumi.aws.dynamodb.inputs.TablePointInTimeRecoveryArgs;
import com.pulumi.aws.dynamodb.inputs.TableServerSideEncryptionArgs;
import com.pulumi.aws.dynamodb.inputs.TableTtlArgs;
import com.pulumi.aws.kms.Key;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import dev.usersapi.declaration.TableDeclaration;
import java.util.Map;
import java.util.Optional;

/**
 * A table exactly as the stack file declares it (the users table, the idempotency keys), plus
 * what only the cloud has:
 * point-in-time recovery, server-side encryption (a customer-managed key when asked), deletion
 * protection, and Pulumi's {@code protect} where the stack guards its data.
 */
public final class DeclaredTable extends ComponentResource {
    private final Table table;
    private final Optional<Output<String>> kmsKeyArn;

    public DeclaredTable(String name, TableDeclaration declaration, boolean protectData, Map<String, String> tags,
                      ComponentResourceOptions options) {
        super("users-api:data:DeclaredTable", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).protect(protectData).build();

        Optional<Output<String>> kmsKeyArn = declaration.encryption().kmsKeyArn().map(Output::of);
        if (declaration.encryption().customerManagedKey() && kmsKeyArn.isEmpty()) {
            Key key = ManagedKeys.key(name + "-key", "users-api " + name + " table encryption", tags, children);
            kmsKeyArn = Optional.of(key.arn());
        }
        this.kmsKeyArn = kmsKeyArn;
        var encryption = TableServerSideEncryptionArgs.builder().enabled(declaration.encryption().enabled());
        kmsKeyArn.ifPresent(encryption::kmsKeyArn);

        var args = TableArgs.builder()
                .billingMode(declaration.billingMode())
                .hashKey(declaration.partitionKey().name())
                .attributes(declaration.keyAttributes().stream()
                        .map(key -> TableAttributeArgs.builder().name(key.name()).type(key.type()).build())
                        .toList())
                .globalSecondaryIndexes(declaration.globalSecondaryIndexes().stream().map(index -> {
                    var gsi = TableGlobalSecondaryIndexArgs.builder()
                            .name(index.name())
                            .hashKey(index.partitionKey().name())
                            .projectionType(index.projection().type());
                    index.sortKey().ifPresent(key -> gsi.rangeKey(key.name()));
                    if (!index.projection().nonKeyAttributes().isEmpty()) {
                        gsi.nonKeyAttributes(index.projection().nonKeyAttributes());
                    }
                    return gsi.build();
                }).toList())
                .localSecondaryIndexes(declaration.localSecondaryIndexes().stream().map(index -> {
                    var lsi = TableLocalSecondaryIndexArgs.builder()
                            .name(index.name())
                            .rangeKey(index.sortKey().name())
                            .projectionType(index.projection().type());
                    if (!index.projection().nonKeyAttributes().isEmpty()) {
                        lsi.nonKeyAttributes(index.projection().nonKeyAttributes());
                    }
                    return lsi.build();
                }).toList())
                .pointInTimeRecovery(TablePointInTimeRecoveryArgs.builder().enabled(declaration.pointInTimeRecovery()).build())
                .serverSideEncryption(encryption.build())
                .deletionProtectionEnabled(declaration.deletionProtection())
                .tags(tags);
        declaration.sortKey().ifPresent(key -> args.rangeKey(key.name()));
        declaration.ttlAttribute().ifPresent(attribute ->
                args.ttl(TableTtlArgs.builder().attributeName(attribute).enabled(true).build()));
        declaration.streamViewType().ifPresent(view -> args.streamEnabled(true).streamViewType(view));

        this.table = new Table(name, args.build(), children);
        registerOutputs(Map.of("name", table.name(), "arn", table.arn(), "streamArn", table.streamArn()));
    }

    public Output<String> name() {
        return table.name();
    }

    public Output<String> arn() {
        return table.arn();
    }

    public Output<String> streamArn() {
        return table.streamArn();
    }

    /** The customer-managed key the table is encrypted with, when it has one (AWS-owned or AWS-managed keys: empty). */
    public Optional<Output<String>> kmsKeyArn() {
        return kmsKeyArn;
    }

    /** The ARN of an index, the resource a Query on it is authorized against. */
    public Output<String> indexArn(String index) {
        return table.arn().applyValue(arn -> arn + "/index/" + index);
    }
}
