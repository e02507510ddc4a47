package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.EventSourceMapping;
import com.pulumi.aws.sqs.Queue;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event source mapping each stack declares, against its stack file. */
class StreamConsumerTest {
    private static EventSourceMapping mapping(String stack) {
        return StackRuns.of(stack).one(EventSourceMapping.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void mappingReadsTheTablesStreamIntoTheLiveAlias(String stack) {
        assertEquals(Optional.of(value(StackRuns.of(stack).named(Table.class, "users").streamArn())), value(mapping(stack).eventSourceArn()));
        assertEquals(value(StackRuns.of(stack).named(Alias.class, "users-stream-live").arn()), value(mapping(stack).functionName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void batchesAndRetriesFollowTheStackFile(String stack) {
        var consumer = StackFile.load(ProjectLayout.current(), stack).streamConsumer();
        assertEquals(Optional.of(consumer.batchSize()), value(mapping(stack).batchSize()));
        assertEquals(Optional.of(consumer.startingPosition()), value(mapping(stack).startingPosition()));
        assertEquals(consumer.maximumRetryAttempts(), value(mapping(stack).maximumRetryAttempts()));
        assertEquals(consumer.maximumRecordAgeSeconds(), value(mapping(stack).maximumRecordAgeInSeconds()));
        assertEquals(Optional.of(true), value(mapping(stack).bisectBatchOnFunctionError()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void partialBatchFailuresAreReported(String stack) {
        assertEquals(Optional.of(List.of("ReportBatchItemFailures")), value(mapping(stack).functionResponseTypes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void failedBatchesGoToAnEncryptedQueue(String stack) {
        Queue queue = StackRuns.of(stack).one(Queue.class);
        assertEquals(true, value(queue.sqsManagedSseEnabled()));
        var onFailure = value(mapping(stack).destinationConfig()).orElseThrow().onFailure().orElseThrow();
        assertEquals(value(queue.arn()), onFailure.destinationArn());
    }
}
