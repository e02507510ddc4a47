package dev.usersapi.stacks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.pulumi.core.Output;
import java.util.List;

/** IAM policy documents, each statement naming exact actions on exact resources. */
final class IamPolicies {
    record Statement(List<String> actions, List<String> resources) {}

    private IamPolicies() {}

    static String lambdaTrust() {
        return serviceTrust("lambda.amazonaws.com");
    }

    /** A role only this AWS service may assume. */
    static String serviceTrust(String service) {
        JsonObject statement = new JsonObject();
        statement.addProperty("Effect", "Allow");
        JsonObject principal = new JsonObject();
        principal.addProperty("Service", service);
        statement.add("Principal", principal);
        statement.addProperty("Action", "sts:AssumeRole");
        return document(List.of(statement));
    }

    /** A policy document from statements whose resources are known only once other resources exist. */
    static Output<String> allow(List<Output<Statement>> statements) {
        return Output.all(statements).applyValue(resolved -> document(resolved.stream().map(IamPolicies::allowStatement).toList()));
    }

    static Output<Statement> statement(List<String> actions, Output<List<String>> resources) {
        return resources.applyValue(arns -> new Statement(actions, arns));
    }

    private static JsonObject allowStatement(Statement statement) {
        JsonObject json = new JsonObject();
        json.addProperty("Effect", "Allow");
        JsonArray actions = new JsonArray();
        statement.actions().forEach(actions::add);
        json.add("Action", actions);
        JsonArray resources = new JsonArray();
        statement.resources().forEach(resources::add);
        json.add("Resource", resources);
        return json;
    }

    private static String document(List<JsonObject> statements) {
        JsonObject document = new JsonObject();
        document.addProperty("Version", "2012-10-17");
        JsonArray array = new JsonArray();
        statements.forEach(array::add);
        document.add("Statement", array);
        return document.toString();
    }
}
