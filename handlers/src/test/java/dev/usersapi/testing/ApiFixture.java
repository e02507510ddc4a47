package dev.usersapi.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.api.UsersApi;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP API over a fresh table of its own in the engine, with a clock the test controls. */
public final class ApiFixture {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public final DynamoDbEndpoint dynamo = DynamoDbEndpoint.shared();
    public final UsersTableSettings table;
    public final MutableClock clock = new MutableClock(Instant.now());
    public final ByteArrayOutputStream log = new ByteArrayOutputStream();
    public final UsersApi api;

    public ApiFixture() {
        this.table = dynamo.createUsersTable();
        this.api = new UsersApi(new UserStore(dynamo.apiFunctionClient(), table),
                new IdempotencyStore(dynamo.apiFunctionClient(), table.idempotencyTableName(), table.idempotencyRetention()),
                new UserIds(new SecureRandom()), clock,
                new JsonLines(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    public APIGatewayV2HTTPResponse send(ApiRequests request) {
        return api.handle(request.event());
    }

    /** Creates a user through the API and returns its id. */
    public String createUser(String json) {
        APIGatewayV2HTTPResponse response = send(ApiRequests.request("POST", "/users").json(json));
        if (response.getStatusCode() != 201) {
            throw new AssertionError("create answered " + response.getStatusCode() + ": " + response.getBody());
        }
        return idOf(response.getBody());
    }

    public static String idOf(String json) {
        Matcher matcher = ID.matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no id in " + json);
        }
        return matcher.group(1);
    }

    /** How many items the table holds, expired or not: what DynamoDB itself stores. */
    public int storedItems() {
        return dynamo.client().scan(scan -> scan.tableName(table.tableName()).select("COUNT")).count();
    }
}
