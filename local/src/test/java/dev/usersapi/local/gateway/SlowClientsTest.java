package dev.usersapi.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.local.LocalOptions;
import dev.usersapi.local.LocalStack;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop mid-request, idle, or send too much: none of them can keep the local API
 * from answering everybody else, and each is told why it was cut off.
 */
class SlowClientsTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        GatewayLimits limits = new GatewayLimits(REQUEST_TIMEOUT, IDLE_TIMEOUT, 10 * 1024 * 1024, 10 * 1024);
        stack = LocalStack.start(new LocalOptions("dev", 0, true, Optional.empty(), OptionalInt.empty(), Optional.empty(), Duration.ofMillis(200),
                Duration.ofHours(1), Optional.empty(), limits), ProjectLayout.current(), new UserStreamHandler(change -> { }, quiet),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(stack.baseUrl().getHost(), stack.baseUrl().getPort());
        socket.setSoTimeout((int) (REQUEST_TIMEOUT.toMillis() + IDLE_TIMEOUT.toMillis() + 5_000));
        return socket;
    }

    /** The headers and the first bytes of a 100-byte body, then nothing. */
    private static Socket stuckMidBody() throws IOException {
        Socket socket = connect();
        socket.getOutputStream().write(("POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"name\":\"Sl").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the server sends until it closes the connection. */
    private static String readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void sixtyFourStuckConnectionsDoNotDelayOtherRequestsAndAreAnswered408WithinTheTimeout() throws Exception {
        List<Socket> stuck = new ArrayList<>();
        long stuckSince = System.nanoTime();
        for (int i = 0; i < 64; i++) {
            stuck.add(stuckMidBody());
        }
        try {
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users?limit=1"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, page.statusCode());
                assertTrue(millis < 1_000, "an ordinary request took " + millis + " ms while 64 connections were stuck");
            }
            for (Socket socket : stuck) {
                String answer = readUntilClosed(socket);
                long heldMillis = (System.nanoTime() - stuckSince) / 1_000_000;
                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
                assertTrue(answer.contains("application/problem+json") && answer.contains("\"status\":408"), answer);
                assertTrue(heldMillis < REQUEST_TIMEOUT.toMillis() + 2_000,
                        "a stuck connection was closed after " + heldMillis + " ms; the request timeout is " + REQUEST_TIMEOUT);
            }
        } finally {
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    @Test
    void aConnectionThatTricklesItsHeadersIsCutOffAtTheTimeoutNotKeptAliveByEachByte() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            byte[] request = "GET /users?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                for (byte b : request) {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    Thread.sleep(100); // the slow client itself: one byte every 100 ms, never the end of the headers
                }
            } catch (IOException closedByServer) {
                // The server closed while the client was still sending: what it sent first is still readable.
            }
            String answer = readUntilClosed(socket);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(millis < REQUEST_TIMEOUT.toMillis() + 2_000, "cut off after " + millis + " ms");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /users?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long answered = System.nanoTime();
            String everything = readUntilClosed(socket);
            long idleMillis = (System.nanoTime() - answered) / 1_000_000;
            assertTrue(everything.startsWith("HTTP/1.1 200 "), everything);
            assertEquals(1, everything.split("HTTP/1.1 ", -1).length - 1, "one answer, no 408 for a connection that sent nothing more");
            assertTrue(idleMillis >= IDLE_TIMEOUT.toMillis() - 500 && idleMillis < IDLE_TIMEOUT.toMillis() + 2_000,
                    "closed after " + idleMillis + " ms idle; the idle timeout is " + IDLE_TIMEOUT);
        }
    }

    @Test
    void anOversizedBodyIsRefused413BeforeItIsSent() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 20000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(1_000);
            String answer;
            try {
                answer = readUntilClosed(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer before the body was sent", e);
            }
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.endsWith("{\"message\":\"Request Entity Too Large\"}"), answer);
        }
    }

    @Test
    void headersBeyondApiGatewaysTenKilobytesAre431() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users"))
                .header("X-Large", "a".repeat(11 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(431, answer.statusCode());
        assertEquals("Request Header Fields Too Large", new ObjectMapper().readTree(answer.body()).path("message").asText());
    }

    @Test
    void aMalformedRequestLineIs400AsJson() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("NOT AN HTTP REQUEST\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = readUntilClosed(socket);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.endsWith("{\"message\":\"Bad Request\"}"), answer);
        }
    }
}
