package dev.usersapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Under SnapStart, Lambda hands a function its credentials through the container credentials
 * endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}),
 * so a restored snapshot fetches its own instead of reusing frozen keys: the handlers' chain must
 * reach it when the environment holds no keys. The SDK reads both settings from system properties
 * too, which is how this test points them at an endpoint of its own on loopback.
 */
class LambdaCredentialsTest {
    @Test
    void withoutKeysInTheEnvironmentTheContainerEndpointsCredentialsAreUsed() throws Exception {
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null, "the environment holds keys, which come first");
        AtomicReference<String> authorization = new AtomicReference<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/credentials", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"AccessKeyId\":\"ASIASNAPSTART\",\"SecretAccessKey\":\"restored-secret\",\"Token\":\"restored-token\","
                    + "\"Expiration\":\"2099-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/credentials");
        System.setProperty("aws.containerAuthorizationToken", "lambda-token");
        try {
            var credentials = (AwsSessionCredentials) DynamoDbClients.lambdaCredentials().resolveCredentials();
            assertEquals("ASIASNAPSTART", credentials.accessKeyId());
            assertEquals("restored-token", credentials.sessionToken());
            assertEquals("lambda-token", authorization.get());
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
            endpoint.stop(0);
        }
    }
}
