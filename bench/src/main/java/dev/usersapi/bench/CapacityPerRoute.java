package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.usersapi.api.UsersApi;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Each route's DynamoDB capacity, as DynamoDB reports it ({@code ReturnConsumedCapacity=INDEXES}
 * added to every call of the real handler), next to the least the data model allows.
 */
final class CapacityPerRoute {
    /** Adds ReturnConsumedCapacity to each call and sums what comes back. */
    static final class Meter implements ExecutionInterceptor {
        double units;

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            ReturnConsumedCapacity indexes = ReturnConsumedCapacity.INDEXES;
            if (request instanceof PutItemRequest put) return put.toBuilder().returnConsumedCapacity(indexes).build();
            if (request instanceof GetItemRequest get) return get.toBuilder().returnConsumedCapacity(indexes).build();
            if (request instanceof UpdateItemRequest update) return update.toBuilder().returnConsumedCapacity(indexes).build();
            if (request instanceof DeleteItemRequest delete) return delete.toBuilder().returnConsumedCapacity(indexes).build();
            if (request instanceof QueryRequest query) return query.toBuilder().returnConsumedCapacity(indexes).build();
            if (request instanceof ScanRequest scan) return scan.toBuilder().returnConsumedCapacity(indexes).build();
            return request;
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            Object response = context.response();
            ConsumedCapacity consumed = response instanceof PutItemResponse r ? r.consumedCapacity()
                    : response instanceof GetItemResponse r ? r.consumedCapacity()
                    : response instanceof UpdateItemResponse r ? r.consumedCapacity()
                    : response instanceof DeleteItemResponse r ? r.consumedCapacity()
                    : response instanceof QueryResponse r ? r.consumedCapacity()
                    : response instanceof ScanResponse r ? r.consumedCapacity() : null;
            if (consumed != null && consumed.capacityUnits() != null) {
                units += consumed.capacityUnits();
            }
        }
    }

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    private CapacityPerRoute() {}

    /** {@code clients} makes the client the handler uses, reaching the database under test, with the meter added to it. */
    static Report.Section measure(java.util.function.Function<Meter, DynamoDbClient> clients, StackFile dev) {
        Meter meter = new Meter();
        DynamoDbClient client = clients.apply(meter);
        var settings = new UsersTableSettings("users", "email-index", dev.table().retention(), "idempotency-keys",
                dev.idempotencyTable().retention().orElseThrow());
        UsersApi api = new UsersApi(new UserStore(client, settings),
                new IdempotencyStore(client, "idempotency-keys", settings.idempotencyRetention()), new UserIds(new SecureRandom()),
                Clock.systemUTC(), new JsonLines(new PrintStream(new ByteArrayOutputStream())));
        for (int i = 0; i < 40; i++) {
            api.handle(Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":\"Seed " + i + "\",\"email\":\"seed" + i + "@example.com\"}"));
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        // The least each route can cost, for a user item under 1 KB: writes count the table, the
        // email index and the updatedAt index; strongly consistent reads 1 unit per 4 KB, others 0.5.
        Measured create = call(api, meter, Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        Matcher created = ID.matcher(create.response().getBody());
        String id = created.find() ? created.group(1) : "";
        Map<String, Double> minimum = new LinkedHashMap<>();
        Map<String, Measured> measured = new LinkedHashMap<>();
        minimum.put("POST /users", 3.0);
        measured.put("POST /users", create);
        minimum.put("GET /users/{id}", 1.0);
        measured.put("GET /users/{id}", call(api, meter, Events.http("GET", "/users/" + id, "GET /users/{id}", Map.of("id", id), null)));
        minimum.put("GET /users?limit=25", 0.5);
        measured.put("GET /users?limit=25", call(api, meter, Events.http("GET", "/users", "GET /users", Map.of(), null)));
        minimum.put("GET /users?email=", 0.5);
        measured.put("GET /users?email=", call(api, meter, withQuery(Events.http("GET", "/users", "GET /users", Map.of(), null),
                Map.of("email", "ada@example.com"))));
        minimum.put("PATCH /users/{id}", 4.0);
        measured.put("PATCH /users/{id}", call(api, meter, Events.http("PATCH", "/users/" + id, "PATCH /users/{id}", Map.of("id", id),
                "{\"age\":30}")));
        minimum.put("DELETE /users/{id}", 3.0);
        measured.put("DELETE /users/{id}", call(api, meter, Events.http("DELETE", "/users/" + id, "DELETE /users/{id}", Map.of("id", id), null)));
        boolean met = true;
        for (var entry : measured.entrySet()) {
            double least = minimum.get(entry.getKey());
            figures.put(entry.getKey(), String.format("%.1f units (minimum %.1f), status %d", entry.getValue().units(), least,
                    entry.getValue().response().getStatusCode()));
            met &= entry.getValue().units() <= least;
        }
        return new Report.Section("capacity per route", "no route above the data model's minimum", figures, met,
                "Units as the engine reports them (capacityUnits with ReturnConsumedCapacity=INDEXES). Minimum: a write is "
                        + "1 unit on the table plus 1 per index it changes (the email GSI, and the updatedAt LSI, which an update "
                        + "moves: a delete and a put); GET by id is a strongly consistent GetItem (1 unit); a page of 25 small users "
                        + "is 0.5 unit per 4 KB read (25 users of about 150 bytes fit in 4 KB). No route reads before it writes: conditions decide 404 and 412.");
    }

    private record Measured(double units, com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse response) {}

    private static Measured call(UsersApi api, Meter meter, APIGatewayV2HTTPEvent event) {
        meter.units = 0;
        var response = api.handle(event);
        return new Measured(meter.units, response);
    }


    private static APIGatewayV2HTTPEvent withQuery(APIGatewayV2HTTPEvent event, Map<String, String> query) {
        event.setQueryStringParameters(query);
        return event;
    }
}
