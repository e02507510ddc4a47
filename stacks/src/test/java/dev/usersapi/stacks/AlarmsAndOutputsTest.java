package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.cloudwatch.Dashboard;
import com.pulumi.aws.cloudwatch.LogMetricFilter;
import com.pulumi.aws.cloudwatch.MetricAlarm;
import com.pulumi.aws.cloudwatch.outputs.MetricAlarmMetricQuery;
import com.pulumi.aws.kms.KeyPolicy;
import com.pulumi.aws.sns.Topic;
import com.pulumi.aws.sns.TopicSubscription;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every alarm watches a metric that is really published: one AWS documents for its service
 * (namespace, name and exact dimension set, from cloudwatch-metrics.json, each with its page), one
 * the handlers emit in EMF (handlers' emf-metrics.json, which EmfMetricsTest holds to their real
 * output), or one a metric filter of the stack derives from a log. An alarm on a metric nobody
 * publishes, or on a dimension set it is not published with, never fires.
 */
class AlarmsAndOutputsTest {
    /** A metric as an alarm or a dashboard names it: namespace, name, dimension names. */
    record Watched(String namespace, String name, Set<String> dimensions) {
        @Override
        public String toString() {
            return namespace + "/" + name + " " + dimensions;
        }
    }

    private static final Set<Watched> AWS_METRICS = published(readJson(AlarmsAndOutputsTest.class.getResourceAsStream("cloudwatch-metrics.json")));
    private static final Set<Watched> HANDLER_METRICS = handlerMetrics();

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void everyAlarmWatchesAMetricThatIsPublished(String stack) {
        StackRuns runs = StackRuns.of(stack);
        Set<Watched> filtered = new HashSet<>();
        for (LogMetricFilter filter : runs.all(LogMetricFilter.class)) {
            var transformation = value(filter.metricTransformation());
            filtered.add(new Watched(transformation.namespace(), transformation.name(),
                    new TreeSet<>(transformation.dimensions() == null ? Set.of() : transformation.dimensions().keySet())));
        }
        List<MetricAlarm> alarms = runs.all(MetricAlarm.class);
        assertEquals(12, alarms.size());
        for (MetricAlarm alarm : alarms) {
            for (Watched metric : watched(alarm)) {
                assertTrue(AWS_METRICS.contains(metric) || HANDLER_METRICS.contains(metric) || filtered.contains(metric),
                        alarm.pulumiResourceName() + " watches " + metric + ", which nothing publishes");
            }
        }
        Set<String> namespaces = new TreeSet<>();
        alarms.forEach(alarm -> watched(alarm).forEach(metric -> namespaces.add(metric.namespace())));
        assertEquals(Set.of("AWS/ApiGateway", "AWS/DynamoDB", "AWS/Lambda", "AWS/SQS", "users-api"), namespaces);
    }

    /** CloudWatch refuses an alarm naming both statistics, neither, or one it does not know: the p99 alarm is the percentile one. */
    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void everyAlarmNamesOneStatisticCloudWatchAccepts(String stack) {
        JsonObject rule = readJson(AlarmsAndOutputsTest.class.getResourceAsStream("cloudwatch-metrics.json")).getAsJsonObject("alarmStatistics");
        Set<String> statistics = new HashSet<>();
        rule.getAsJsonArray("statistic").forEach(statistic -> statistics.add(statistic.getAsString()));
        java.util.regex.Pattern percentile = java.util.regex.Pattern.compile(rule.get("extendedStatistic").getAsString());
        Set<String> percentiles = new TreeSet<>();
        for (MetricAlarm alarm : StackRuns.of(stack).all(MetricAlarm.class)) {
            String name = alarm.pulumiResourceName();
            var statistic = optional(alarm.statistic());
            var extended = optional(alarm.extendedStatistic());
            if (optional(alarm.metricName()).isPresent()) {
                assertTrue(statistic.isPresent() != extended.isPresent(), name + " names " + statistic + " and " + extended + ": exactly one, says PutMetricAlarm");
                statistic.ifPresent(value -> assertTrue(statistics.contains(value), name + "'s statistic " + value + " is not one of " + statistics));
                extended.ifPresent(value -> assertTrue(percentile.matcher(value).matches(), name + "'s extended statistic " + value + " is no percentile"));
                extended.ifPresent(value -> percentiles.add(name));
            } else {
                assertTrue(statistic.isEmpty() && extended.isEmpty(), name + " is metric math: its queries carry the statistic");
                for (MetricAlarmMetricQuery query : optional(alarm.metricQueries()).orElse(List.of())) {
                    query.metric().ifPresent(metric -> assertTrue(statistics.contains(metric.stat()) || percentile.matcher(metric.stat()).matches(),
                            name + "'s query " + query.id() + " has stat " + metric.stat()));
                }
            }
        }
        assertEquals(1, percentiles.size(), "the p99 latency alarm alone is a percentile: " + percentiles);
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void alarmsWatchTheSymptomsTheReviewAskedFor(String stack) {
        Set<String> watched = new TreeSet<>();
        StackRuns.of(stack).all(MetricAlarm.class).forEach(alarm -> watched(alarm).forEach(metric -> watched.add(metric.namespace() + "/" + metric.name())));
        assertEquals(new TreeSet<>(List.of("AWS/ApiGateway/5xx", "AWS/ApiGateway/Count", "AWS/ApiGateway/Latency", "users-api/AuthRejections",
                "AWS/Lambda/IteratorAge", "users-api/FailedRecords", "AWS/SQS/ApproximateNumberOfMessagesVisible",
                "AWS/DynamoDB/ThrottledRequests", "AWS/DynamoDB/SystemErrors", "AWS/Lambda/Errors", "AWS/Lambda/Throttles")), watched);
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void noAlarmPagesOnASingleErrorAndEachHasARunbookLine(String stack) throws IOException {
        String runbooks = Files.readString(ProjectLayout.current().root().resolve("docs/runbooks.md"));
        for (MetricAlarm alarm : StackRuns.of(stack).all(MetricAlarm.class)) {
            String name = Alarms.shortName(alarm.pulumiResourceName());
            String description = value(alarm.alarmDescription()).orElseThrow();
            assertTrue(description.endsWith("Runbook: " + Alarms.RUNBOOK + name), description);
            assertTrue(runbooks.contains("<a id=\"" + name + "\"></a>"), "docs/runbooks.md has no line for " + name);
            // One batch set aside is data to replay before the stream trims it: the one alarm that pages on one.
            if (!name.equals("stream-failures-queued")) {
                double threshold = value(alarm.threshold()).orElseThrow();
                int datapoints = value(alarm.datapointsToAlarm()).orElseThrow();
                assertTrue(threshold >= 5 && datapoints >= 2, name + " would page on " + threshold + " in " + datapoints + " datapoint(s)");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "prod"})
    void alarmsNotifyATopicCloudWatchMayEncryptForAndTheStacksSubscriptions(String stack) {
        StackRuns runs = StackRuns.of(stack);
        Topic topic = runs.one(Topic.class);
        String topicArn = value(topic.arn());
        runs.all(MetricAlarm.class).forEach(alarm -> assertEquals(List.of(topicArn), value(alarm.alarmActions()).orElseThrow()));
        assertEquals(topicArn, runs.output("alarmTopicArn"));
        String key = value(topic.kmsMasterKeyId()).orElseThrow();
        assertNotEquals("alias/aws/sns", key, "CloudWatch cannot use the AWS-managed SNS key");
        assertTrue(key.startsWith("arn:aws:kms:"), key);

        JsonObject policy = JsonParser.parseString(value(runs.named(KeyPolicy.class, "users-alarms-topic-key-policy").policy()))
                .getAsJsonObject();
        boolean cloudWatchMayUseTheKey = false;
        for (JsonElement element : policy.getAsJsonArray("Statement")) {
            JsonObject statement = element.getAsJsonObject();
            JsonObject principal = statement.getAsJsonObject("Principal");
            if (principal.has("Service") && principal.get("Service").getAsString().equals("cloudwatch.amazonaws.com")) {
                Set<String> actions = new TreeSet<>();
                statement.getAsJsonArray("Action").forEach(action -> actions.add(action.getAsString()));
                cloudWatchMayUseTheKey = actions.containsAll(Set.of("kms:Decrypt", "kms:GenerateDataKey*"));
            }
        }
        assertTrue(cloudWatchMayUseTheKey, "the key policy lets CloudWatch generate and decrypt data keys: " + policy);

        List<TopicSubscription> subscriptions = runs.all(TopicSubscription.class);
        assertEquals(1, subscriptions.size());
        assertEquals("email", value(subscriptions.get(0).protocol()));
        assertEquals(topicArn, value(subscriptions.get(0).topic()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void eachStackHasOneDashboardOfPublishedMetrics(String stack) {
        StackRuns runs = StackRuns.of(stack);
        Dashboard dashboard = runs.one(Dashboard.class);
        assertEquals("users-api-" + stack, value(dashboard.dashboardName()));
        JsonObject body = JsonParser.parseString(value(dashboard.dashboardBody())).getAsJsonObject();
        int metrics = 0;
        for (JsonElement widget : body.getAsJsonArray("widgets")) {
            JsonObject properties = widget.getAsJsonObject().getAsJsonObject("properties");
            assertEquals("eu-west-1", properties.get("region").getAsString());
            for (JsonElement line : properties.getAsJsonArray("metrics")) {
                JsonArray metric = line.getAsJsonArray();
                Set<String> dimensions = new TreeSet<>();
                for (int i = 2; i < metric.size(); i += 2) {
                    dimensions.add(metric.get(i).getAsString());
                }
                Watched watched = new Watched(metric.get(0).getAsString(), metric.get(1).getAsString(), dimensions);
                assertTrue(AWS_METRICS.contains(watched) || HANDLER_METRICS.contains(watched)
                        || watched.name().equals("AuthRejections"), watched + " is not published");
                metrics++;
            }
        }
        assertTrue(metrics > 20, "metrics on the dashboard: " + metrics);
        assertEquals("users-api-" + stack, runs.output("dashboardName"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void devHasNoAlarms(String stack) {
        assertTrue(StackRuns.of(stack).all(MetricAlarm.class).isEmpty());
        assertFalse(StackRuns.of(stack).run.result().outputs().containsKey("alarmTopicArn"));
    }

    @Test
    void theRuleDataNamesItsSources() {
        JsonObject data = readJson(AlarmsAndOutputsTest.class.getResourceAsStream("cloudwatch-metrics.json"));
        data.getAsJsonArray("metrics").forEach(entry ->
                assertTrue(entry.getAsJsonObject().get("source").getAsString().startsWith("https://docs.aws.amazon.com/")));
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

    /** The metrics an alarm watches: its own, or each of its metric math's. */
    static List<Watched> watched(MetricAlarm alarm) {
        List<Watched> metrics = new ArrayList<>();
        optional(alarm.metricName()).ifPresent(name -> metrics.add(new Watched(value(alarm.namespace()).orElseThrow(), name,
                new TreeSet<>(optional(alarm.dimensions()).orElse(Map.of()).keySet()))));
        for (MetricAlarmMetricQuery query : optional(alarm.metricQueries()).orElse(List.of())) {
            query.metric().ifPresent(metric -> metrics.add(new Watched(metric.namespace().orElseThrow(), metric.metricName(),
                    new TreeSet<>(metric.dimensions() == null ? Set.<String>of() : metric.dimensions().keySet()))));
        }
        assertFalse(metrics.isEmpty(), alarm.pulumiResourceName() + " watches nothing");
        return metrics;
    }

    /** An optional input the program did not set is null under the mocks, not empty. */
    private static <T> java.util.Optional<T> optional(com.pulumi.core.Output<java.util.Optional<T>> output) {
        java.util.Optional<T> value = value(output);
        return value == null ? java.util.Optional.empty() : value;
    }

    private static Set<Watched> published(JsonObject data) {
        Set<Watched> metrics = new HashSet<>();
        for (JsonElement element : data.getAsJsonArray("metrics")) {
            JsonObject entry = element.getAsJsonObject();
            List<String> names = new ArrayList<>();
            if (entry.has("names")) {
                entry.getAsJsonArray("names").forEach(name -> names.add(name.getAsString()));
            } else {
                names.add(entry.get("name").getAsString());
            }
            for (String name : names) {
                for (JsonElement set : entry.getAsJsonArray("dimensionSets")) {
                    Set<String> dimensions = new TreeSet<>();
                    set.getAsJsonArray().forEach(dimension -> dimensions.add(dimension.getAsString()));
                    metrics.add(new Watched(entry.get("namespace").getAsString(), name, dimensions));
                }
            }
        }
        return metrics;
    }

    private static Set<Watched> handlerMetrics() {
        Path file = ProjectLayout.current().root().resolve("handlers/src/test/resources/dev/usersapi/log/emf-metrics.json");
        try {
            return published(JsonParser.parseString(Files.readString(file)).getAsJsonObject());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonObject readJson(java.io.InputStream in) {
        return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
