package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.stream.UserStreamHandler;
import java.util.List;
import java.util.Map;

/**
 * The shipped Lambda jar, alone on the class path with this class: both entry points built as
 * Lambda builds them, every route and the main error answers, the priming hook, and a stream
 * batch. Exits non-zero at the first unexpected answer, so a class the jar lacks cannot hide.
 */
public final class LambdaJarProbe {
    private static int checks;

    private LambdaJarProbe() {}

    public static void main(String[] args) {
        UsersApiHandler api = new UsersApiHandler();
        api.beforeCheckpoint(null);
        String body = "{\"name\":\"Jar\",\"email\":\"jar@example.com\",\"age\":0}";
        APIGatewayV2HTTPResponse created = expect(201, api.handleRequest(Events.http("POST", "/users", "POST /users", Map.of(), body), null));
        String id = created.getBody().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        Map<String, String> path = Map.of("id", id);
        expect(200, api.handleRequest(Events.http("GET", "/users/" + id, "GET /users/{id}", path, null), null));
        expect(200, api.handleRequest(Events.http("GET", "/users", "GET /users", Map.of(), null), null));
        var byEmail = Events.http("GET", "/users", "GET /users", Map.of(), null);
        byEmail.setQueryStringParameters(Map.of("email", "jar@example.com"));
        expect(200, api.handleRequest(byEmail, null));
        var update = Events.http("PATCH", "/users/" + id, "PATCH /users/{id}", path, "{\"name\":\"Jarred\"}");
        update.setHeaders(Map.of("content-type", "application/json", "if-match", "\"1\""));
        expect(200, api.handleRequest(update, null));
        expect(412, api.handleRequest(update, null));
        var keyed = Events.http("POST", "/users", "POST /users", Map.of(), body);
        keyed.setHeaders(Map.of("content-type", "application/json", "idempotency-key", "jar-probe-" + System.nanoTime()));
        expect(201, api.handleRequest(keyed, null));
        expect(201, api.handleRequest(keyed, null));
        expect(400, api.handleRequest(Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":"), null));
        expect(415, api.handleRequest(withoutContentType(Events.http("POST", "/users", "POST /users", Map.of(), body)), null));
        expect(405, api.handleRequest(Events.http("PUT", "/users", "$default", Map.of(), null), null));
        expect(404, api.handleRequest(Events.http("GET", "/nowhere", "$default", Map.of(), null), null));
        expect(204, api.handleRequest(Events.http("DELETE", "/users/" + id, "DELETE /users/{id}", path, null), null));
        expect(404, api.handleRequest(Events.http("GET", "/users/" + id, "GET /users/{id}", path, null), null));

        var stream = new StreamRecord();
        stream.setKeys(Map.of("id", new AttributeValue().withS(id)));
        stream.setNewImage(Map.of("id", new AttributeValue().withS(id), "name", new AttributeValue().withS("Jar")));
        stream.setSequenceNumber("1");
        var record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID("jar-probe");
        record.setEventName("INSERT");
        record.setDynamodb(stream);
        var event = new DynamodbEvent();
        event.setRecords(List.of(record));
        if (!new UserStreamHandler().handleRequest(event, null).getBatchItemFailures().isEmpty()) {
            fail("the stream handler reported a failure");
        }
        System.out.println("lambda jar probe: " + (checks + 1) + " checks passed");
        System.exit(0);
    }

    private static APIGatewayV2HTTPResponse expect(int status, APIGatewayV2HTTPResponse response) {
        checks++;
        if (response.getStatusCode() != status) {
            fail("check " + checks + ": expected " + status + ", got " + response.getStatusCode() + ": " + response.getBody());
        }
        return response;
    }

    private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent withoutContentType(
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent event) {
        event.setHeaders(Map.of());
        return event;
    }

    private static void fail(String why) {
        System.out.println("lambda jar probe FAILED: " + why);
        System.exit(1);
    }
}
