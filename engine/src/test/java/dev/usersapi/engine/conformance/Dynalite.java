package dev.usersapi.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * dynalite 4.0.0 (npm, Apache-2.0), the oracle: started by the suite on loopback from
 * {@code engine/conformance/node_modules}, with tables active at once (its create and delete
 * delays set to 0), and stopped with the suite.
 */
final class Dynalite implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final URI endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    private Dynalite(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static Dynalite start() throws Exception {
        Path cli = Path.of("conformance", "node_modules", "dynalite", "cli.js").toAbsolutePath();
        if (!Files.exists(cli)) {
            throw new IllegalStateException("dynalite is not installed: run `npm ci` in engine/conformance (the build does it before the tests)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder("node", cli.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Dynalite dynalite = new Dynalite(process, URI.create("http://127.0.0.1:" + port + "/"));
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                dynalite.send("ListTables", "{}");
                return dynalite;
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    process.destroyForcibly();
                    throw new IllegalStateException("dynalite did not start on port " + port, notYet);
                }
                Thread.sleep(50); // polling a process that is starting: nothing to await but its port
            }
        }
    }

    /** Status and body of one request, sent as the SDKs send it (dynalite checks that a signature is there, not that it is right). */
    Reply send(String operation, String body) throws IOException, InterruptedException {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC).format(Instant.now());
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("X-Amz-Date", date)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=conformance/" + date.substring(0, 8)
                        + "/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    record Reply(int status, JsonNode body) {}

    /** dynalite makes a table ACTIVE on a timer, even at 0 ms: until then it answers as if the table were missing. */
    void awaitActive(String table) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!send("DescribeTable", "{\"TableName\":\"" + table + "\"}").body().path("Table").path("TableStatus").asText().equals("ACTIVE")) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("dynalite's table " + table + " did not become ACTIVE");
            }
            Thread.sleep(5); // dynalite offers no way to wait for its timer
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
