package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.usersapi.api.UsersApi;
import dev.usersapi.declaration.DynamoDbTables;
import dev.usersapi.declaration.ProjectLayout;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A warm handler's time per request, in process, against the engine through its in-process client (no HTTP on either side). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WarmRequestBenchmark {
    private dev.usersapi.engine.api.DynamoDbEngine engine;
    private software.amazon.awssdk.services.dynamodb.DynamoDbClient client;
    private UsersApi api;
    private APIGatewayV2HTTPEvent get;
    private APIGatewayV2HTTPEvent invalidCreate;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new dev.usersapi.engine.api.DynamoDbEngine(Clock.systemUTC());
        client = EngineBenchmarks.inProcess(engine);
        StackFile dev = StackFile.load(ProjectLayout.current(), "dev");
        client.createTable(DynamoDbTables.createTableRequest(dev.table(), "users"));
        client.createTable(DynamoDbTables.createTableRequest(dev.idempotencyTable(), "keys"));
        var settings = new UsersTableSettings("users", "email-index", dev.table().retention(), "keys", java.time.Duration.ofDays(1));
        api = new UsersApi(new UserStore(client, settings),
                new IdempotencyStore(client, "keys", java.time.Duration.ofDays(1)), new UserIds(new SecureRandom()),
                Clock.systemUTC(), new JsonLines(new PrintStream(new ByteArrayOutputStream())));
        String body = api.handle(Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":\"Warm\",\"email\":\"warm@example.com\"}")).getBody();
        String id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        get = Events.http("GET", "/users/" + id, "GET /users/{id}", Map.of("id", id), null);
        invalidCreate = Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":\"\",\"email\":\"nope\",\"age\":-1}");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        engine.close();
    }

    @Benchmark
    public Object getUser() {
        return api.handle(get);
    }

    @Benchmark
    public Object createUser() {
        return api.handle(Events.http("POST", "/users", "POST /users", Map.of(), "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":36}"));
    }

    /** A rejected body: validation and the problem document, no DynamoDB call. */
    @Benchmark
    public Object rejectInvalidCreate() {
        return api.handle(invalidCreate);
    }

}
