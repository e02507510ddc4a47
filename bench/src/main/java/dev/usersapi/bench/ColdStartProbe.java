package dev.usersapi.bench;

import dev.usersapi.api.Authorization;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.store.DynamoDbClients;
import dev.usersapi.store.UsersTableSettings;
import java.time.Clock;
import java.util.Map;
import org.crac.Core;

/**
 * One cold start as Lambda runs it, in a fresh JVM with only a Lambda jar (and this class) on
 * the class path: the handler's own init, then one create and one list. Its arguments: the HTTP
 * client the jar holds ({@link HttpClientKind#artifact()}), then "primed" to run the SnapStart
 * priming hook inside init, as it runs before the snapshot.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) {
        long start = System.nanoTime();
        UsersApiHandler handler = handler(HttpClientKind.of(args[0]));
        if (args.length > 1 && args[1].equals("primed")) {
            handler.beforeCheckpoint(null);
        }
        long initialized = System.nanoTime();
        int created = handler.handleRequest(Events.http("POST", "/users", "POST /users", Map.of(),
                "{\"name\":\"Cold\",\"email\":\"cold@example.com\"}"), null).getStatusCode();
        long afterCreate = System.nanoTime();
        int listed = handler.handleRequest(Events.http("GET", "/users", "GET /users", Map.of(), null), null).getStatusCode();
        long afterList = System.nanoTime();
        // The process's CPU until here: on a shared machine, less noisy than the wall clock.
        long cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        System.out.printf("init_ms=%.1f create_ms=%.1f list_ms=%.1f create_status=%d list_status=%d cpu_ms=%.1f%n",
                (initialized - start) / 1e6, (afterCreate - initialized) / 1e6, (afterList - afterCreate) / 1e6, created, listed, cpu / 1e6);
        // The SDK's connection pool threads would keep a plain main() alive.
        System.exit(0);
    }

    /** What the handler's no-arg constructor does, on the client this jar holds. */
    static UsersApiHandler handler(HttpClientKind client) {
        UsersApiHandler handler = new UsersApiHandler(DynamoDbClients.forLambda(client.builder()),
                UsersTableSettings.fromEnvironment(System.getenv()), Clock.systemUTC(), Authorization.fromEnvironment(System.getenv()));
        Core.getGlobalContext().register(handler);
        return handler;
    }
}
