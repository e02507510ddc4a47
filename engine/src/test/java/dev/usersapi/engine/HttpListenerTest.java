package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The HTTP listener, used as other processes use it: the AWS SDK over a real socket (its CRC32
 * check on), and Debian's AWS CLI with --endpoint-url.
 */
class HttpListenerTest {
    private static DynamoDbEngine engine;
    private static EngineHttpServer server;

    @BeforeAll
    static void start() throws Exception {
        engine = new DynamoDbEngine(Clock.systemUTC());
        server = EngineHttpServer.onLoopback(engine, 0);
        Tables.call(engine, "CreateTable", Tables.USERS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theListenerIsOnLoopbackOnly() {
        assertEquals("127.0.0.1", server.endpoint().getHost());
    }

    @Test
    void theSdkWorksOverHttpWithItsChecksumOn() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .httpClient(Apache5HttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"))).build()) {
            dynamo.putItem(put -> put.tableName("users").item(Map.of("id", AttributeValue.fromS("sdk"), "email", AttributeValue.fromS("sdk@x"))));
            assertEquals("sdk@x", dynamo.getItem(get -> get.tableName("users").key(Map.of("id", AttributeValue.fromS("sdk")))).item().get("email").s());
            assertTrue(dynamo.listTables().tableNames().contains("users"));
        }
    }

    /** One raw HTTP/1.1 exchange, so that the test chooses every header, Host included. */
    private static String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String post(String host, String body) throws Exception {
        return raw("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedAsDnsRebindingWould() throws Exception {
        // Issue 25 item 8: a page whose name resolves to 127.0.0.1 sends its own name in Host; only loopback names are answered.
        int port = server.port();
        for (String admitted : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port)) {
            String answer = post(admitted, "{}");
            assertTrue(answer.startsWith("HTTP/1.1 200"), admitted + ": " + answer);
        }
        for (String refused : List.of("evil.example:" + port, "127.0.0.1.evil.example", "localhost:1", "")) {
            String answer = post(refused, "{}");
            assertTrue(answer.startsWith("HTTP/1.1 421"), refused + ": " + answer);
            assertTrue(answer.contains("AccessDeniedException") && answer.contains("DNS rebinding"), answer);
            assertTrue(!answer.contains("TableNames"), "a refused request reaches no operation");
        }
    }

    @Test
    void aUserWhoBindsElsewhereAllowsTheNamesItIsReachedBy() throws Exception {
        try (EngineHttpServer named = EngineHttpServer.on(engine, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                java.util.Set.of("dynamodb.internal"))) {
            for (String[] expected : new String[][] {{"dynamodb.internal:" + named.port(), "200"}, {"other.internal", "421"}}) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", named.port())) {
                    socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + expected[0] + "\r\nContent-Type: application/x-amz-json-1.0\r\n"
                            + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(answer.startsWith("HTTP/1.1 " + expected[1]), expected[0] + ": " + answer);
                }
            }
        }
    }

    @Test
    void theWireAnswersAsDynamoDbsEndpointDoes() throws Exception {
        // A GET is DynamoDB's health check; other methods and content types are 404 <UnknownOperationException/>;
        // answers carry Date, Server and a 52-character request id (as dynalite's suite, written against DynamoDB, records).
        String host = "127.0.0.1:" + server.port();
        String health = raw("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertTrue(health.startsWith("HTTP/1.1 200") && health.endsWith("healthy: dynamodb.us-east-1.amazonaws.com "), health);
        assertTrue(health.matches("(?s).*\r\nx-amzn-RequestId: [0-9A-Z]{52}\r\n.*"), health);
        assertTrue(health.matches("(?s).*\r\ndate: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} .*GMT\r\n.*"), health);
        assertTrue(health.contains("\r\nserver: Server\r\n"), health);
        String put = raw("PUT / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertTrue(put.startsWith("HTTP/1.1 404") && put.endsWith("<UnknownOperationException/>\n"), put);
        String notJson = raw("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        assertTrue(notJson.startsWith("HTTP/1.1 400") && notJson.endsWith("{\"__type\":\"com.amazon.coral.service#SerializationException\"}"), notJson);
        String preflight = raw("OPTIONS / HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Headers: x-amz-target\r\n"
                + "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
        assertTrue(preflight.startsWith("HTTP/1.1 200") && preflight.contains("access-control-allow-origin: *")
                && preflight.contains("access-control-allow-headers: x-amz-target") && preflight.contains("access-control-max-age: 172800"), preflight);
    }

    @Test
    void compressedBodiesGoBothWays() throws Exception {
        // SDKs may gzip or deflate a request body (Content-Encoding) and ask for a compressed answer (Accept-Encoding).
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write("{\"TableName\":\"users\"}".getBytes(StandardCharsets.UTF_8));
        }
        var request = java.net.http.HttpRequest.newBuilder(server.endpoint()).header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.DescribeTable").header("Content-Encoding", "gzip").header("Accept-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build();
        var answer = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode());
        assertEquals("gzip", answer.headers().firstValue("Content-Encoding").orElse(""));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(answer.body());
        assertEquals(Long.toString(crc.getValue()), answer.headers().firstValue("x-amz-crc32").orElse(""), "the checksum covers the bytes sent");
        String table = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(answer.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(table.contains("\"TableName\":\"users\""), table);
    }

    @Test
    void theSdkReadsGzippedAnswersAndDescribesTheEndpointItReached() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .httpClient(Apache5HttpClient.create()).overrideConfiguration(o -> o.putHeader("Accept-Encoding", "gzip"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"))).build()) {
            assertTrue(dynamo.listTables().tableNames().contains("users"));
            assertEquals("127.0.0.1:" + server.port(), dynamo.describeEndpoints().endpoints().get(0).address());
        }
    }

    private static Path aws() {
        return Path.of(System.getenv().getOrDefault("AWS_CLI", "/usr/bin/aws"));
    }

    private static String runAws(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(aws().toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--endpoint-url", server.endpoint().toString(), "--region", "us-east-1", "--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "key", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    @Test
    void theAwsCliWorksUnchanged() throws Exception {
        boolean installed = Files.isExecutable(aws());
        String missing = "the AWS CLI is not installed: sudo apt-get install awscli (Debian's package), or set AWS_CLI";
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(missing + "; .ci/run installs it, so under CI its absence is a failure");
        }
        Assumptions.assumeTrue(installed, missing);
        runAws("dynamodb", "put-item", "--table-name", "users", "--item", "{\"id\":{\"S\":\"cli\"},\"email\":{\"S\":\"cli@x\"}}");
        var item = new ObjectMapper().readTree(runAws("dynamodb", "get-item", "--table-name", "users", "--key", "{\"id\":{\"S\":\"cli\"}}"));
        assertEquals("cli@x", item.path("Item").path("email").path("S").asText());
        var found = new ObjectMapper().readTree(runAws("dynamodb", "query", "--table-name", "users", "--index-name", "email-index",
                "--key-condition-expression", "email = :e", "--expression-attribute-values", "{\":e\":{\"S\":\"cli@x\"}}"));
        assertEquals(1, found.path("Count").asInt());
        assertTrue(runAws("dynamodb", "list-tables").contains("\"users\""));
    }
}
