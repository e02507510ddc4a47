package dev.usersapi.bench;

import dev.usersapi.api.UsersApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A warm container's cost per request on the HTTP client its jar holds: after a cold start,
 * {@code GET /users/{id}} of one user, warmed, then timed one by one (each is one GetItem on a
 * kept-alive connection, as a container serves requests). Prints the median in microseconds.
 */
public final class WarmCallProbe {
    private WarmCallProbe() {}

    public static void main(String[] args) {
        UsersApiHandler handler = ColdStartProbe.handler(HttpClientKind.of(args[0]));
        String body = handler.handleRequest(Events.http("POST", "/users", "POST /users", Map.of(),
                "{\"name\":\"Warm\",\"email\":\"warm@example.com\"}"), null).getBody();
        String id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        var get = Events.http("GET", "/users/" + id, "GET /users/{id}", Map.of("id", id), null);
        int warmUps = Integer.parseInt(args[1]);
        int timed = Integer.parseInt(args[2]);
        List<Double> micros = new ArrayList<>();
        for (int i = 0; i < warmUps + timed; i++) {
            long start = System.nanoTime();
            int status = handler.handleRequest(get, null).getStatusCode();
            if (status != 200) {
                throw new IllegalStateException("GET answered " + status);
            }
            if (i >= warmUps) {
                micros.add((System.nanoTime() - start) / 1e3);
            }
        }
        System.out.printf("warm_get_us=%.1f%n", Stats.of(micros).median());
        System.exit(0);
    }
}
