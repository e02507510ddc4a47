package dev.usersapi.stacks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.pulumi.aws.cloudwatch.Dashboard;
import com.pulumi.aws.cloudwatch.DashboardArgs;
import com.pulumi.core.Output;
import java.util.List;

/**
 * One CloudWatch dashboard per stack, in the order an on-call engineer reads it: what callers see
 * (requests, 4xx/5xx, latency), then the functions (errors, throttles, duration, concurrency), the
 * stream (iterator age, failed records, queued batches) and the table (throttles, system errors).
 * The same metrics the alarms watch, so an alarm's graph is one glance away.
 */
final class OperationsDashboard {
    private OperationsDashboard() {}

    static Dashboard define(String name, String stack, Alarms.Watched watched) {
        Output<String> body = Output.all(List.of(watched.api().id(), watched.api().stageName(), watched.apiFunction().functionName(),
                        watched.streamFunction().functionName(), watched.consumer().failureQueueName(), watched.table().name()))
                .applyValue(values -> body(watched.settings().region(), values.get(0), values.get(1), values.get(2), values.get(3),
                        values.get(4), values.get(5)));
        return new Dashboard(name, DashboardArgs.builder().dashboardName("users-api-" + stack).dashboardBody(body).build());
    }

    static String body(String region, String apiId, String stage, String apiFunction, String streamFunction, String queue, String table) {
        JsonArray widgets = new JsonArray();
        widgets.add(widget("API requests and errors", "Sum",
                metric("AWS/ApiGateway", "Count", "ApiId", apiId, "Stage", stage),
                metric("AWS/ApiGateway", "4xx", "ApiId", apiId, "Stage", stage),
                metric("AWS/ApiGateway", "5xx", "ApiId", apiId, "Stage", stage),
                metric(Alarms.NAMESPACE, "AuthRejections", "ApiId", apiId)));
        widgets.add(widget("API latency (p50, p99)", "p99",
                metric("AWS/ApiGateway", "Latency", "ApiId", apiId, "Stage", stage),
                metric("AWS/ApiGateway", "IntegrationLatency", "ApiId", apiId, "Stage", stage)));
        for (String function : List.of(apiFunction, streamFunction)) {
            widgets.add(widget("Function " + function, "Sum",
                    metric("AWS/Lambda", "Invocations", "FunctionName", function),
                    metric("AWS/Lambda", "Errors", "FunctionName", function),
                    metric("AWS/Lambda", "Throttles", "FunctionName", function),
                    metric("AWS/Lambda", "ConcurrentExecutions", "FunctionName", function)));
        }
        widgets.add(widget("Stream", "Maximum",
                metric("AWS/Lambda", "IteratorAge", "FunctionName", streamFunction),
                metric(Alarms.NAMESPACE, "FailedRecords", "FunctionName", streamFunction),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue)));
        JsonArray tableMetrics = new JsonArray();
        for (String operation : Alarms.TABLE_OPERATIONS) {
            tableMetrics.add(metric("AWS/DynamoDB", "ThrottledRequests", "TableName", table, "Operation", operation));
            tableMetrics.add(metric("AWS/DynamoDB", "SystemErrors", "TableName", table, "Operation", operation));
        }
        widgets.add(widget("Table throttles and system errors", "Sum", tableMetrics));
        widgets.forEach(widget -> widget.getAsJsonObject().getAsJsonObject("properties").addProperty("region", region));
        JsonObject dashboard = new JsonObject();
        dashboard.add("widgets", widgets);
        return dashboard.toString();
    }

    private static JsonArray metric(String namespace, String name, String... dimensions) {
        JsonArray metric = new JsonArray();
        metric.add(namespace);
        metric.add(name);
        for (String part : dimensions) {
            metric.add(part);
        }
        return metric;
    }

    private static JsonObject widget(String title, String stat, JsonArray... metrics) {
        JsonArray all = new JsonArray();
        for (JsonArray metric : metrics) {
            all.add(metric);
        }
        return widget(title, stat, all);
    }

    private static JsonObject widget(String title, String stat, JsonArray metrics) {
        JsonObject properties = new JsonObject();
        properties.addProperty("title", title);
        properties.addProperty("stat", stat);
        properties.addProperty("period", 60);
        properties.addProperty("view", "timeSeries");
        properties.add("metrics", metrics);
        JsonObject widget = new JsonObject();
        widget.addProperty("type", "metric");
        widget.addProperty("width", 12);
        widget.addProperty("height", 6);
        widget.add("properties", properties);
        return widget;
    }
}
