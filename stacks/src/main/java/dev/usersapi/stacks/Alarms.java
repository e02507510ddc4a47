package dev.usersapi.stacks;

import com.pulumi.aws.cloudwatch.LogMetricFilter;
import com.pulumi.aws.cloudwatch.LogMetricFilterArgs;
import com.pulumi.aws.cloudwatch.MetricAlarm;
import com.pulumi.aws.cloudwatch.MetricAlarmArgs;
import com.pulumi.aws.cloudwatch.inputs.LogMetricFilterMetricTransformationArgs;
import com.pulumi.aws.cloudwatch.inputs.MetricAlarmMetricQueryArgs;
import com.pulumi.aws.cloudwatch.inputs.MetricAlarmMetricQueryMetricArgs;
import com.pulumi.aws.sns.Topic;
import com.pulumi.aws.sns.TopicArgs;
import com.pulumi.aws.sns.TopicPolicy;
import com.pulumi.aws.sns.TopicPolicyArgs;
import com.pulumi.aws.sns.TopicSubscription;
import com.pulumi.aws.sns.TopicSubscriptionArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Alarms on symptoms a caller or the data would feel, each with a runbook line in
 * {@code docs/runbooks.md} (its anchor is the alarm's name, its description says what it means):
 * the API's 5xx rate and p99 latency, a spike of 401/403, the stream falling behind or failing
 * records, DynamoDB throttling or failing, a batch set aside in the failure queue, and the
 * functions erroring or throttled. Thresholds need a sustained signal, not one error.
 *
 * <p>Every alarm notifies one SNS topic encrypted with a customer-managed key whose policy lets
 * CloudWatch use it: with the AWS-managed {@code alias/aws/sns}, whose policy cannot be changed,
 * CloudWatch's alarm actions fail (AWS Knowledge Center, "configure a CloudWatch alarm with an
 * encrypted SNS topic"). The topic's subscriptions come from {@code users-api:alarms.subscriptions}.
 *
 * <p>Where the stack backs its table up ({@code users-api:backup}), AWS Backup notifies the same
 * topic of its jobs (TableBackup), so the key and the topic's access policy let
 * {@code backup.amazonaws.com} publish too (AWS Backup developer guide, "Notification options with
 * AWS Backup"; PutBackupVaultNotifications names a topic of the vault's own account only).
 */
public final class Alarms extends ComponentResource {
    /** The namespace of the handlers' own EMF metrics and of the access log's metric filter. */
    public static final String NAMESPACE = "users-api";
    /** The users table's operations the functions call: DynamoDB reports throttles and system errors per operation. */
    static final List<String> TABLE_OPERATIONS = List.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan");
    static final String RUNBOOK = "docs/runbooks.md#";

    /** The services that publish to the topic: CloudWatch's alarm actions, and AWS Backup where the stack backs up. */
    static final String CLOUDWATCH = "cloudwatch.amazonaws.com";
    static final String BACKUP = "backup.amazonaws.com";

    private final Topic topic;
    private final Output<String> publishableTopicArn;
    private final CustomResourceOptions children;
    private final Map<String, String> tags;
    private final Output<List<String>> actions;

    /** What the alarms watch, from the rest of the stack. */
    public record Watched(JavaFunction apiFunction, JavaFunction streamFunction, StreamConsumer consumer, UsersHttpApi api,
                          DeclaredTable table, StackSettings settings) {}

    /** A metric as CloudWatch names it. */
    record Metric(String namespace, String name, Map<String, Output<String>> dimensions) {}

    public Alarms(String name, Watched watched, Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:operations:Alarms", name, options);
        this.children = CustomResourceOptions.builder().parent(this).build();
        this.tags = tags;

        List<String> publishers = publishers(watched.settings());
        ManagedKeys.WithPolicy key = ManagedKeys.withPolicy(name + "-topic-key",
                "users-api alarm topic: SNS encryption CloudWatch alarms may use", arn -> topicKeyPolicy(arn, publishers), tags, children);
        this.topic = new Topic(name + "-topic", TopicArgs.builder().kmsMasterKeyId(key.key().arn()).tags(tags).build(),
                CustomResourceOptions.builder().parent(this).dependsOn(key.policy()).build());
        TopicPolicy access = new TopicPolicy(name + "-topic-policy", TopicPolicyArgs.builder()
                .arn(topic.arn())
                .policy(topic.arn().applyValue(arn -> topicAccessPolicy(arn, publishers)))
                .build(), children);
        this.publishableTopicArn = Output.all(topic.arn(), access.id(), key.policy().id()).applyValue(resolved -> resolved.get(0));
        this.actions = topic.arn().applyValue(List::of);
        List<StackSettings.Subscription> subscriptions = watched.settings().alarms().subscriptions();
        for (int i = 0; i < subscriptions.size(); i++) {
            new TopicSubscription(name + "-subscription-" + i, TopicSubscriptionArgs.builder()
                    .topic(topic.arn())
                    .protocol(subscriptions.get(i).protocol())
                    .endpoint(subscriptions.get(i).endpoint())
                    .build(), children);
        }

        var api = Map.of("ApiId", watched.api().id(), "Stage", watched.api().stageName());
        var apiFunction = Map.of("FunctionName", watched.apiFunction().functionName());
        var streamFunction = Map.of("FunctionName", watched.streamFunction().functionName());
        int apiTimeoutMs = watched.settings().functions().api().timeoutSeconds() * 1000;
        int maximumRecordAgeMs = watched.settings().streamConsumer().maximumRecordAgeSeconds() * 1000;

        // More than 5% of requests answered 5xx, with at least 20 requests a minute, in 3 of 5 minutes.
        mathAlarm(name + "-api-5xx-rate", "More than 5% of API requests answered 5xx in 3 of 5 minutes",
                "IF(requests >= 20, 100 * errors / requests, 0)", 60, 5, 3, 5.0, ordered(
                        "errors", new Metric("AWS/ApiGateway", "5xx", api),
                        "requests", new Metric("AWS/ApiGateway", "Count", api)), "Sum");
        simpleAlarm(name + "-api-p99-latency", "API p99 latency above a tenth of the function timeout for 15 minutes",
                new Metric("AWS/ApiGateway", "Latency", api), "p99", 300, 3, 3, apiTimeoutMs / 10.0);
        // Authorizer and scope refusals, counted from the access log: a spike is a misconfigured client or someone probing.
        new LogMetricFilter(name + "-auth-rejections", LogMetricFilterArgs.builder()
                .logGroupName(watched.api().accessLogGroupName())
                .pattern("{ ($.status = \"401\") || ($.status = \"403\") }")
                .metricTransformation(LogMetricFilterMetricTransformationArgs.builder()
                        .namespace(NAMESPACE).name("AuthRejections").value("1").unit("Count")
                        .dimensions(Map.of("ApiId", "$.apiId"))
                        .build())
                .build(), children);
        simpleAlarm(name + "-api-auth-rejections", "More than 100 requests refused with 401/403 in each of 2 five-minute periods",
                new Metric(NAMESPACE, "AuthRejections", Map.of("ApiId", watched.api().id())), "Sum", 300, 2, 2, 100);

        simpleAlarm(name + "-stream-iterator-age", "The stream consumer is behind by more than a quarter of the maximum record age",
                new Metric("AWS/Lambda", "IteratorAge", streamFunction), "Maximum", 60, 5, 5, maximumRecordAgeMs / 4.0);
        simpleAlarm(name + "-stream-failed-records", "More than 10 stream records failed in each of 2 five-minute periods",
                new Metric(NAMESPACE, "FailedRecords", streamFunction), "Sum", 300, 2, 2, 10);
        // A batch in the queue is data to replay before the stream trims it (24 h): one is enough to page.
        simpleAlarm(name + "-stream-failures-queued", "A stream batch was set aside in the failure queue: replay it within 24 hours",
                new Metric("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                        Map.of("QueueName", watched.consumer().failureQueueName())), "Maximum", 300, 1, 1, 0);

        mathAlarm(name + "-dynamodb-throttles", "DynamoDB throttled more than 10 requests a minute in 3 of 5 minutes",
                "SUM(METRICS())", 60, 5, 3, 10.0, perOperation("ThrottledRequests", watched.table()), "Sum");
        mathAlarm(name + "-dynamodb-system-errors", "DynamoDB answered more than 5 requests a minute with a 500 in 3 of 5 minutes",
                "SUM(METRICS())", 60, 5, 3, 5.0, perOperation("SystemErrors", watched.table()), "Sum");

        simpleAlarm(name + "-api-errors", "The API function failed (timeout, crash, out of memory) more than 5 times in each of 2 five-minute periods",
                new Metric("AWS/Lambda", "Errors", apiFunction), "Sum", 300, 2, 2, 5);
        simpleAlarm(name + "-api-throttles", "The API function hit its reserved concurrency more than 10 times in each of 2 five-minute periods",
                new Metric("AWS/Lambda", "Throttles", apiFunction), "Sum", 300, 2, 2, 10);
        simpleAlarm(name + "-stream-errors", "The stream function failed whole batches more than 5 times in each of 2 five-minute periods",
                new Metric("AWS/Lambda", "Errors", streamFunction), "Sum", 300, 2, 2, 5);
        simpleAlarm(name + "-stream-throttles", "The stream function was throttled more than 10 times in each of 2 five-minute periods",
                new Metric("AWS/Lambda", "Throttles", streamFunction), "Sum", 300, 2, 2, 10);
        registerOutputs(Map.of("topicArn", topic.arn()));
    }

    public Output<String> topicArn() {
        return topic.arn();
    }

    /**
     * The topic's ARN, resolved once its access policy and its key's policy are in place: what a
     * service told to publish to it (AWS Backup's vault notifications) waits for.
     */
    public Output<String> publishableTopicArn() {
        return publishableTopicArn;
    }

    static List<String> publishers(StackSettings settings) {
        return settings.backup().isPresent() ? List.of(CLOUDWATCH, BACKUP) : List.of(CLOUDWATCH);
    }

    /**
     * The key policy: the account administers the key (the default key policy's statement, without
     * which IAM policies cannot grant it), and each publishing service may generate and decrypt data
     * keys with it, the two actions the Knowledge Center article names for CloudWatch and AWS
     * Backup's guide for its notifications to an encrypted topic.
     */
    static String topicKeyPolicy(String keyArn, List<String> publishers) {
        return IamPolicies.keyPolicy(keyArn, publishers.stream().map(service -> new IamPolicies.KeyUser(sid(service),
                "Service", service, List.of("kms:Decrypt", "kms:GenerateDataKey*"))).toList());
    }

    /**
     * The topic's access policy, in place of SNS's default (which lets any principal of the account
     * publish and subscribe): each publishing service may SNS:Publish to this topic; the account's
     * own principals act through their IAM policies, which suffice within an account. CloudWatch's
     * statement is the one the Knowledge Center gives for a topic whose default policy was replaced;
     * AWS Backup's the one its guide and the provider's VaultNotifications example give.
     */
    static String topicAccessPolicy(String topicArn, List<String> publishers) {
        return IamPolicies.resourcePolicy(topicArn, publishers.stream().map(service -> new IamPolicies.KeyUser(sid(service),
                "Service", service, List.of("SNS:Publish"))).toList());
    }

    /** A statement id per publishing service: letters only. */
    private static String sid(String service) {
        return service.equals(CLOUDWATCH) ? "CloudWatchAlarmsPublish" : "AwsBackupPublish";
    }

    /** Metric queries in a fixed order: Map.of's order changes from one JVM to the next, and with it every preview. */
    private static Map<String, Metric> ordered(String firstId, Metric first, String secondId, Metric second) {
        Map<String, Metric> metrics = new java.util.LinkedHashMap<>();
        metrics.put(firstId, first);
        metrics.put(secondId, second);
        return metrics;
    }

    private static Map<String, Metric> perOperation(String metric, DeclaredTable table) {
        Map<String, Metric> metrics = new java.util.LinkedHashMap<>();
        for (String operation : TABLE_OPERATIONS) {
            metrics.put(operation.toLowerCase(java.util.Locale.ROOT), new Metric("AWS/DynamoDB", metric,
                    Map.of("TableName", table.name(), "Operation", Output.of(operation))));
        }
        return metrics;
    }

    private MetricAlarmArgs.Builder base(String description) {
        return MetricAlarmArgs.builder()
                .alarmDescription(description)
                .comparisonOperator("GreaterThanThreshold")
                .treatMissingData("notBreaching")
                .alarmActions(actions)
                .okActions(actions)
                .tags(tags);
    }

    /** {@code statistic}: one of CloudWatch's statistics (Sum, Maximum, ...) or a percentile (p99), which CloudWatch takes as an extended statistic. */
    private void simpleAlarm(String name, String description, Metric metric, String statistic, int period, int evaluationPeriods,
                             int datapointsToAlarm, double threshold) {
        MetricAlarmArgs.Builder alarm = base(description + ". Runbook: " + RUNBOOK + shortName(name))
                .namespace(metric.namespace())
                .metricName(metric.name())
                .dimensions(OutputMaps.resolve(metric.dimensions()));
        boolean percentile = statistic.matches("p[0-9]+(\\.[0-9]+)?");
        alarm = percentile ? alarm.extendedStatistic(statistic) : alarm.statistic(statistic);
        new MetricAlarm(name, alarm
                .period(period)
                .evaluationPeriods(evaluationPeriods)
                .datapointsToAlarm(datapointsToAlarm)
                .threshold(threshold)
                .build(), children);
    }

    private void mathAlarm(String name, String description, String expression, int period, int evaluationPeriods,
                           int datapointsToAlarm, double threshold, Map<String, Metric> metrics, String statistic) {
        List<MetricAlarmMetricQueryArgs> queries = new ArrayList<>();
        metrics.forEach((id, metric) -> queries.add(MetricAlarmMetricQueryArgs.builder()
                .id(id)
                .returnData(false)
                .metric(MetricAlarmMetricQueryMetricArgs.builder()
                        .namespace(metric.namespace())
                        .metricName(metric.name())
                        .dimensions(OutputMaps.resolve(metric.dimensions()))
                        .stat(statistic)
                        .period(period)
                        .build())
                .build()));
        queries.add(MetricAlarmMetricQueryArgs.builder().id("signal").expression(expression).label(shortName(name)).returnData(true).build());
        new MetricAlarm(name, base(description + ". Runbook: " + RUNBOOK + shortName(name))
                .metricQueries(queries)
                .evaluationPeriods(evaluationPeriods)
                .datapointsToAlarm(datapointsToAlarm)
                .threshold(threshold)
                .build(), children);
    }

    /** "users-alarms-api-5xx-rate" is the runbook's "api-5xx-rate". */
    static String shortName(String alarm) {
        return alarm.replaceFirst("^users-alarms-", "");
    }
}
