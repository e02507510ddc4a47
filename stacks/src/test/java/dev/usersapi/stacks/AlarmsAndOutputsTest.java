package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.aws.cloudwatch.MetricAlarm;
import com.pulumi.aws.sns.Topic;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlarmsAndOutputsTest {
    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void alarmsWatchErrorsThrottlesFailedBatchesAndServerErrors(String stack) {
        List<MetricAlarm> alarms = StackRuns.of(stack).all(MetricAlarm.class);
        Set<String> watched = alarms.stream()
                .map(alarm -> value(alarm.namespace()).orElseThrow() + "/" + value(alarm.metricName()).orElseThrow())
                .collect(Collectors.toSet());
        assertEquals(Set.of("AWS/Lambda/Errors", "AWS/Lambda/Throttles", "AWS/SQS/ApproximateNumberOfMessagesVisible",
                "AWS/ApiGateway/5xx"), watched);
        assertEquals(6, alarms.size(), "errors and throttles of both functions, the failure queue, the API");
        String topic = value(StackRuns.of(stack).one(Topic.class).arn());
        alarms.forEach(alarm -> assertEquals(List.of(topic), value(alarm.alarmActions()).orElseThrow()));
        assertEquals(topic, StackRuns.of(stack).output("alarmTopicArn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void devHasNoAlarms(String stack) {
        assertTrue(StackRuns.of(stack).all(MetricAlarm.class).isEmpty());
        assertFalse(StackRuns.of(stack).run.result().outputs().containsKey("alarmTopicArn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void outputsNameTheApiUrlTableAndStream(String stack) {
        StackRuns runs = StackRuns.of(stack);
        assertTrue(String.valueOf(runs.output("apiUrl")).startsWith("https://"));
        assertTrue(String.valueOf(runs.output("tableArn")).startsWith("arn:aws:dynamodb:"));
        assertTrue(String.valueOf(runs.output("streamArn")).contains("/stream/"));
        assertFalse(String.valueOf(runs.output("tableName")).isBlank());
        assertTrue(String.valueOf(runs.output("failureQueueUrl")).startsWith("https://sqs."));
    }
}
