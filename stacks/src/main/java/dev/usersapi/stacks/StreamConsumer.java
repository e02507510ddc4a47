package dev.usersapi.stacks;

import com.pulumi.aws.lambda.EventSourceMapping;
import com.pulumi.aws.lambda.EventSourceMappingArgs;
import com.pulumi.aws.lambda.inputs.EventSourceMappingDestinationConfigArgs;
import com.pulumi.aws.lambda.inputs.EventSourceMappingDestinationConfigOnFailureArgs;
import com.pulumi.aws.sqs.Queue;
import com.pulumi.aws.sqs.QueueArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The table's stream, consumed by the stream function through an event source mapping that
 * reports partial batch failures, bisects a failing batch, bounds retries and record age, and
 * sends what it gives up on to an encrypted SQS queue.
 */
public final class StreamConsumer extends ComponentResource {
    static final String HANDLER = "dev.usersapi.stream.UserStreamHandler::handleRequest";
    /**
     * Fourteen days, SQS's longest. A message holds only the batch's shard and sequence range
     * (DDBStreamBatchInfo), not its records: those can be replayed only while the stream keeps
     * them, 24 hours from each write, so the queue's alarm pages at once and the maximum record age
     * is kept well inside that window (docs/runbooks.md#replay). Past it, the message still says
     * which changes were lost.
     */
    private static final int FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

    private final Queue failures;
    private final JavaFunction function;
    private final EventSourceMapping mapping;

    public StreamConsumer(String name, DeclaredTable table, Path jar, StackSettings settings, Map<String, String> tags,
                          ComponentResourceOptions options) {
        super("users-api:stream:StreamConsumer", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();
        this.failures = new Queue(name + "-failures", QueueArgs.builder()
                .sqsManagedSseEnabled(true)
                .messageRetentionSeconds(FAILURE_RETENTION_SECONDS)
                .tags(tags)
                .build(), children);
        // The event source mapping reads the stream with this role; the stream is encrypted with the table's key.
        List<Output<IamPolicies.Statement>> permissions = new ArrayList<>(List.of(
                IamPolicies.statement(List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                        table.streamArn().applyValue(List::of)),
                // ListStreams is authorized on the table's streams, never on every table's.
                IamPolicies.statement(List.of("dynamodb:ListStreams"),
                        table.arn().applyValue(arn -> List.of(arn + "/stream/*"))),
                IamPolicies.statement(List.of("sqs:SendMessage"), failures.arn().applyValue(List::of))));
        IamPolicies.decryptThroughDynamoDb(table, settings.region()).ifPresent(permissions::add);
        this.function = new JavaFunction(name, HANDLER, jar, settings.functions().stream(), settings.functions(), Map.of(),
                permissions, tags, ComponentResourceOptions.builder().parent(this).build());
        var consumer = settings.streamConsumer();
        this.mapping = new EventSourceMapping(name + "-mapping", EventSourceMappingArgs.builder()
                .eventSourceArn(table.streamArn())
                .functionName(function.aliasArn())
                .batchSize(consumer.batchSize())
                .startingPosition(consumer.startingPosition())
                .functionResponseTypes("ReportBatchItemFailures")
                .bisectBatchOnFunctionError(consumer.bisectBatchOnFunctionError())
                .maximumRetryAttempts(consumer.maximumRetryAttempts())
                .maximumRecordAgeInSeconds(consumer.maximumRecordAgeSeconds())
                .destinationConfig(EventSourceMappingDestinationConfigArgs.builder()
                        .onFailure(EventSourceMappingDestinationConfigOnFailureArgs.builder()
                                .destinationArn(failures.arn())
                                .build())
                        .build())
                // Tagged like the stack's other resources, so each deployer may change only its own stack's mapping.
                .tags(tags)
                .build(), children);
        registerOutputs(Map.of("failureQueueUrl", failures.url()));
    }

    public JavaFunction function() {
        return function;
    }

    public Output<String> failureQueueName() {
        return failures.name();
    }

    public Output<String> failureQueueUrl() {
        return failures.url();
    }
}
