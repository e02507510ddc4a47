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
