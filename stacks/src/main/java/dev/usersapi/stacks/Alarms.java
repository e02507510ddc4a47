package dev.usersapi.stacks;

import com.pulumi.aws.cloudwatch.MetricAlarm;
import com.pulumi.aws.cloudwatch.MetricAlarmArgs;
import com.pulumi.aws.sns.Topic;
import com.pulumi.aws.sns.TopicArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import java.util.List;
import java.util.Map;

/**
 * What should wake someone: function errors and throttles, a batch in the failure queue,
 * and the API answering 5xx. Every alarm notifies one encrypted SNS topic, which the team
 * subscribes to (its ARN is a stack output).
 */
public final class Alarms extends ComponentResource {
    private final Topic topic;
    private final CustomResourceOptions children;

    public Alarms(String name, List<JavaFunction> functions, StreamConsumer consumer, UsersHttpApi api, Map<String, String> tags,
                  ComponentResourceOptions options) {
        super("users-api:operations:Alarms", name, options);
        this.children = CustomResourceOptions.builder().parent(this).build();
        this.topic = new Topic(name + "-topic", TopicArgs.builder().kmsMasterKeyId("alias/aws/sns").tags(tags).build(), children);
        for (int i = 0; i < functions.size(); i++) {
            JavaFunction function = functions.get(i);
            String prefix = name + "-" + (i == 0 ? "api" : "stream");
            alarm(prefix + "-errors", "AWS/Lambda", "Errors", Map.of("FunctionName", function.functionName()), tags);
            alarm(prefix + "-throttles", "AWS/Lambda", "Throttles", Map.of("FunctionName", function.functionName()), tags);
        }
        alarm(name + "-stream-failures", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", consumer.failureQueueName()), tags);
        alarm(name + "-api-5xx", "AWS/ApiGateway", "5xx", Map.of("ApiId", api.id(), "Stage", api.stageName()), tags);
        registerOutputs(Map.of("topicArn", topic.arn()));
    }

    public Output<String> topicArn() {
        return topic.arn();
    }

    private void alarm(String name, String namespace, String metric, Map<String, Output<String>> dimensions, Map<String, String> tags) {
        new MetricAlarm(name, MetricAlarmArgs.builder()
                .namespace(namespace)
                .metricName(metric)
                .dimensions(OutputMaps.resolve(dimensions))
                .statistic(metric.equals("ApproximateNumberOfMessagesVisible") ? "Maximum" : "Sum")
                .period(300)
                .evaluationPeriods(1)
                .threshold(0.0)
                .comparisonOperator("GreaterThanThreshold")
                .treatMissingData("notBreaching")
                .alarmActions(topic.arn().applyValue(List::of))
                .okActions(topic.arn().applyValue(List::of))
                .tags(tags)
                .build(), children);
    }
}
