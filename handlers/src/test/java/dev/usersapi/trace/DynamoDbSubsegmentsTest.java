package dev.usersapi.trace;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.DynamoDbEndpoint;
import dev.usersapi.testing.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A UDP socket stands in for the X-Ray daemon: each DynamoDB call of a sampled request arrives as
 * one subsegment document of the invocation's trace, in the shape X-Ray's developer guide gives
 * ("Sending trace data to X-Ray", "X-Ray segment documents"); an unsampled request or one without a
 * header sends nothing, and without a daemon address no interceptor is installed at all.
 */
class DynamoDbSubsegmentsTest {
    private static final String ROOT = "1-5759e988-bd862e3fe1be46a994272793";
    private static final String PARENT = "53995c3f42cd8ad8";
    private static final String SAMPLED = "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1";

    private final AtomicReference<String> header = new AtomicReference<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private DatagramSocket daemon;

    @BeforeEach
    void listen() throws Exception {
        daemon = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon.setSoTimeout(2_000);
    }

    @AfterEach
    void close() {
        daemon.close();
    }

    @Test
    void eachCallOfASampledRequestIsOneSubsegmentOfItsTrace() throws Exception {
        DynamoDbEndpoint dynamo = DynamoDbEndpoint.shared();
        UsersTableSettings table = dynamo.createUsersTable();
        try (DynamoDbClient client = client(dynamo.endpoint())) {
            var api = new dev.usersapi.api.UsersApi(new UserStore(client, table),
                    new IdempotencyStore(client, table.idempotencyTableName(), table.idempotencyRetention()),
                    new UserIds(new SecureRandom()), Clock.systemUTC(), new JsonLines(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));

            header.set(SAMPLED);
            var created = api.handle(request("POST", "/users").json("{\"email\":\"trace@example.com\",\"name\":\"Trace\"}").event());
            assertEquals(201, created.getStatusCode(), created.getBody());
            List<JsonNode> createSegments = receive(calls.size());
            assertSubsegmentsOf(createSegments, List.copyOf(calls), table);
            createSegments.forEach(segment -> assertFalse(segment.has("error") || segment.has("fault"), segment.toString()));

            calls.clear();
            String id = ApiFixture.idOf(created.getBody());
            var stale = api.handle(request("PATCH", "/users/" + id).header("If-Match", "\"99\"").json("{\"name\":\"Other\"}").event());
            assertEquals(412, stale.getStatusCode(), stale.getBody());
            List<JsonNode> patchSegments = receive(calls.size());
            assertSubsegmentsOf(patchSegments, List.copyOf(calls), table);
            JsonNode failed = patchSegments.get(patchSegments.size() - 1);
            assertEquals("UpdateItem", failed.at("/aws/operation").asText());
            assertTrue(failed.path("error").asBoolean(), "a failed condition is a client error: " + failed);
            assertFalse(failed.has("fault"), failed.toString());
            assertEquals(400, failed.at("/http/response/status").asInt());
            assertEquals("ConditionalCheckFailedException", failed.at("/cause/exceptions/0/type").asText());
        }
    }

    @Test
    void aCallThatGetsNoAnswerIsAFault() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (DynamoDbClient client = client(URI.create("http://127.0.0.1:" + closedPort))) {
            header.set(SAMPLED);
            try {
                client.getItem(get -> get.tableName("users").key(Map.of()));
            } catch (RuntimeException expected) {
                // connection refused
            }
            JsonNode segment = receive(1).get(0);
            assertTrue(segment.path("fault").asBoolean(), segment.toString());
            assertEquals("GetItem", segment.at("/aws/operation").asText());
            assertEquals("users", segment.at("/aws/table_name").asText());
        }
    }

    @Test
    void unsampledCallsAndCallsWithoutAHeaderSendNothing() throws Exception {
        try (DynamoDbClient client = client(DynamoDbEndpoint.shared().endpoint())) {
            header.set(null);
            client.listTables(list -> list.limit(1));
            header.set("Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=0");
            client.listTables(list -> list.limit(1));
            header.set("Root=" + ROOT + ";Sampled=1");
            client.listTables(list -> list.limit(1));
            // The first datagram to arrive is the sampled call's that follows: none was sent before it.
            header.set("Root=1-5759e988-000000000000000000000001;Parent=" + PARENT + ";Sampled=1");
            client.listTables(list -> list.limit(1));
            JsonNode first = receive(1).get(0);
            assertEquals("1-5759e988-000000000000000000000001", first.path("trace_id").asText());
        }
        assertTrue(DynamoDbSubsegments.fromEnvironment(Map.of()).isEmpty(), "no daemon address, no interceptor");
        assertTrue(DynamoDbSubsegments.fromEnvironment(Map.of(DynamoDbSubsegments.DAEMON_ADDRESS, "")).isEmpty());
    }

    @Test
    void theDaemonAddressIsReadInBothOfItsForms() {
        assertEquals(new InetSocketAddress("169.254.79.129", 2000), DynamoDbSubsegments.daemonAddress("169.254.79.129:2000").orElseThrow());
        assertEquals(new InetSocketAddress("127.0.0.1", 2001),
                DynamoDbSubsegments.daemonAddress("tcp:127.0.0.1:2000 udp:127.0.0.1:2001").orElseThrow());
        assertTrue(DynamoDbSubsegments.daemonAddress("nonsense").isEmpty());
    }

    private DynamoDbClient client(URI endpoint) {
        ExecutionInterceptor recordCalls = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        var subsegments = new DynamoDbSubsegments((InetSocketAddress) daemon.getLocalSocketAddress(), header::get);
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(recordCalls).addExecutionInterceptor(subsegments)
                        .retryPolicy(RetryPolicy.none()))
                .build();
    }

    /** The next {@code count} documents the daemon receives, each checked for the daemon's header line. */
    private List<JsonNode> receive(int count) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        byte[] buffer = new byte[65_536];
        for (int i = 0; i < count; i++) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                daemon.receive(packet);
            } catch (SocketTimeoutException missing) {
                throw new AssertionError("the daemon received " + documents.size() + " of " + count + " subsegments");
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            assertEquals("{\"format\": \"json\", \"version\": 1}", text.substring(0, newline));
            documents.add(Json.parse(text.substring(newline + 1)));
        }
        return documents;
    }

    private static void assertSubsegmentsOf(List<JsonNode> segments, List<String> operations, UsersTableSettings table) {
        assertFalse(operations.isEmpty(), "the request made DynamoDB calls");
        assertEquals(operations, segments.stream().map(s -> s.at("/aws/operation").asText()).toList());
        for (JsonNode segment : segments) {
            assertEquals("DynamoDB", segment.path("name").asText());
            assertEquals("subsegment", segment.path("type").asText());
            assertEquals("aws", segment.path("namespace").asText());
            assertEquals(ROOT, segment.path("trace_id").asText());
            assertEquals(PARENT, segment.path("parent_id").asText());
            assertTrue(segment.path("id").asText().matches("[0-9a-f]{16}"), segment.toString());
            assertTrue(segment.path("end_time").asDouble() >= segment.path("start_time").asDouble(), segment.toString());
            assertEquals("us-east-1", segment.at("/aws/region").asText());
            String tableName = segment.at("/aws/table_name").asText();
            assertTrue(tableName.equals(table.tableName()) || tableName.equals(table.idempotencyTableName()), segment.toString());
        }
    }
}
