package dev.usersapi.engine.wire;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine as a process of its own on a loopback port, for what runs elsewhere: the AWS CLI,
 * NoSQL Workbench, or the handlers' integration tests pointed at another endpoint.
 * {@code --port N} (0 picks one), {@code --data-dir DIR} to persist, {@code --expiry-seconds N};
 * {@code --host ADDRESS} to bind another address than loopback, with {@code --allowed-hosts a,b}
 * for the names it is reached by (it answers only 127.0.0.1, localhost and [::1] otherwise).
 */
public final class StandaloneEngine {
    private static final String USAGE = "usage: StandaloneEngine [--port N] [--data-dir DIR] [--expiry-seconds N] [--host ADDRESS] [--allowed-hosts NAME,...]";

    private StandaloneEngine() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 8000;
        Optional<Path> data = Optional.empty();
        Duration expiry = Duration.ofSeconds(30);
        Optional<String> bind = Optional.empty();
        java.util.Set<String> allowedHosts = java.util.Set.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--data-dir" -> data = Optional.of(Path.of(args[i + 1]));
                case "--expiry-seconds" -> expiry = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                case "--host" -> bind = Optional.of(args[i + 1]);
                case "--allowed-hosts" -> allowedHosts = java.util.Set.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException(USAGE);
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException(USAGE);
        }
        DynamoDbEngine engine = data.map(directory -> DynamoDbEngine.open(directory, Clock.systemUTC()))
                .orElseGet(() -> new DynamoDbEngine(Clock.systemUTC()));
        engine.expireEvery(expiry);
        EngineHttpServer server = bind.isPresent()
                ? EngineHttpServer.on(engine, new java.net.InetSocketAddress(bind.get(), port), allowedHosts)
                : EngineHttpServer.on(engine, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), allowedHosts);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            // A stop (SIGTERM) is how this process ends: status 0, not the JVM's 143, so the build that stops it reports no failure.
            Runtime.getRuntime().halt(0);
        }, "engine-shutdown"));
        System.out.println("engine listening on " + server.endpoint());
        // Serves until stopped: the shutdown hook ends the process.
        Thread.currentThread().join();
    }
}
