package dev.usersapi.bench;

import dev.usersapi.api.UsersApiHandler;
import java.util.Map;

/**
 * One cold start as Lambda runs it, in a fresh JVM with only the Lambda jar (and this class) on
 * the class path: the handler's own init, then one create and one list. With "primed", the
 * SnapStart priming hook runs inside init, as it does before the snapshot.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) {
        long start = System.nanoTime();
        UsersApiHandler handler = new UsersApiHandler();
        if (args.length > 0 && args[0].equals("primed")) {
            handler.beforeCheckpoint(null);
        }
        long initialized = System.nanoTime();
        int created = handler.handleRequest(Events.http("POST", "/users", "POST /users", Map.of(),
                "{\"name\":\"Cold\",\"email\":\"cold@example.com\"}"), null).getStatusCode();
        long afterCreate = System.nanoTime();
        int listed = handler.handleRequest(Events.http("GET", "/users", "GET /users", Map.of(), null), null).getStatusCode();
        long afterList = System.nanoTime();
        System.out.printf("init_ms=%.1f create_ms=%.1f list_ms=%.1f create_status=%d list_status=%d%n",
                (initialized - start) / 1e6, (afterCreate - initialized) / 1e6, (afterList - afterCreate) / 1e6, created, listed);
        // The SDK's connection pool threads would keep a plain main() alive.
        System.exit(0);
    }
}
