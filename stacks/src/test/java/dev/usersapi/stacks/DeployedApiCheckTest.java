package dev.usersapi.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.aws.apigatewayv2.Route;
import com.pulumi.aws.apigatewayv2.Stage;
import com.pulumi.aws.cognito.UserPoolClient;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.Permission;
import com.pulumi.core.Output;
import com.pulumi.core.internal.OutputInternal;
import com.pulumi.resources.Resource;
import com.pulumi.test.Mocks;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import com.sun.net.httpserver.HttpServer;
import dev.usersapi.client.smoke.SmokeCheck;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The smoke check's place in the program: after the API is in place, in updates only, failing the update when it fails. */
class DeployedApiCheckTest {
    private static final String URL = "https://abc123.execute-api.eu-west-1.amazonaws.com";
    private final List<SmokeCheck.Target> checked = new CopyOnWriteArrayList<>();
    private final List<String> secretsRead = new CopyOnWriteArrayList<>();
    private HttpServer tokenEndpoint;

    @AfterEach
    void cleanup() {
        PulumiTest.cleanup();
        if (tokenEndpoint != null) {
            tokenEndpoint.stop(0);
        }
    }

    private TestResult run(boolean preview, Optional<DeployedApiCheck.Credentials> credentials, DeployedApiCheck.Runner runner) {
        return run(preview, credentials, runner, (pool, client) -> {
            secretsRead.add(pool + "/" + client);
            return Output.ofSecret("s3cret");
        });
    }

    private TestResult run(boolean preview, Optional<DeployedApiCheck.Credentials> credentials, DeployedApiCheck.Runner runner,
                           DeployedApiCheck.SecretReader secrets) {
        Mocks mocks = new Mocks() {
            @Override
            public CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
                return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(args.name + "-id"), args.inputs));
            }

            @Override
            public CompletableFuture<Map<String, Object>> callAsync(CallArgs args) {
                // DescribeUserPoolClient through the provider's data source, as the engine would answer it.
                secretsRead.add(args.token + " " + args.args.get("userPoolId") + "/" + args.args.get("clientId"));
                return CompletableFuture.completedFuture(Map.of("id", "smoke-client", "clientId", "smoke-client",
                        "userPoolId", "eu-west-1_a1B2c3D4e", "clientSecret", "s3cret-from-cognito"));
            }
        };
        return PulumiTest.withMocks(mocks)
                .withOptions(TestOptions.builder().projectName("users-api").stackName("dev").preview(preview).build())
                .runTest(ctx -> ctx.export("smokeCheck", DeployedApiCheck.after(Output.of(URL), credentials, preview, runner, secrets)));
    }

    private DeployedApiCheck.Runner recording() {
        return target -> {
            checked.add(target);
            return "smoke check passed against " + target.baseUrl();
        };
    }

    @Test
    void aPreviewNeverCallsTheApi() {
        TestResult result = run(true, Optional.empty(), recording());
        assertTrue(result.exceptions().isEmpty(), result.exceptions().toString());
        assertEquals(List.of(), checked);
    }

    @Test
    void anUpdateChecksTheDeployedUrlAndExportsOnlyTheSummary() {
        TestResult result = run(false, Optional.empty(), recording());
        assertTrue(result.exceptions().isEmpty(), result.exceptions().toString());
        assertEquals(1, checked.size());
        assertEquals(URL, checked.get(0).baseUrl().toString());
        assertEquals("smoke check passed against " + URL, PulumiTest.extractValue(result.output("smokeCheck")));
    }

    @Test
    void aFailedStepFailsTheUpdate() {
        TestResult result = run(false, Optional.empty(), target -> {
            throw new IllegalStateException("smoke check failed at 'read': answered 502");
        });
        String failures = result.exceptions().stream().map(Throwable::toString).collect(Collectors.joining("\n"))
                + result.errors().stream().collect(Collectors.joining("\n"));
        assertTrue(failures.contains("smoke check failed at 'read'"), "the program fails with the step's failure: " + failures);
    }

    @Test
    void aTokenEndpointThatDoesNotAnswerYetIsAskedAgain() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        var credentials = tokenEndpoint(exchange -> {
            try (exchange) {
                asked.add("asked");
                boolean ready = asked.size() > 1;
                byte[] body = (ready ? "{\"access_token\":\"issued-token\",\"token_type\":\"Bearer\"}" : "{\"error\":\"invalid_client\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(ready ? 200 : 400, body.length);
                exchange.getResponseBody().write(body);
            }
        });

        TestResult result = run(false, Optional.of(credentials), recording());
        assertTrue(result.exceptions().isEmpty(), result.exceptions().toString());
        assertEquals(2, asked.size(), "a new app client's first invalid_client is not the end of the update");
    }

    @Test
    void inAnAwsStageItAuthenticatesWithTheAppClientsSecretReadAtCheckTime() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        var credentials = tokenEndpoint(exchange -> {
            try (exchange) {
                asked.add(exchange.getRequestHeaders().getFirst("Authorization") + " "
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = "{\"access_token\":\"issued-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });

        TestResult result = run(false, Optional.of(credentials), recording());
        assertTrue(result.exceptions().isEmpty(), result.exceptions().toString());
        assertEquals(List.of("eu-west-1_a1B2c3D4e/smoke-client"), secretsRead);
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).startsWith("Basic ") && asked.get(0).endsWith("grant_type=client_credentials&scope=users%2Fread+users%2Fwrite"), asked.get(0));
        assertEquals("issued-token", checked.get(0).bearerToken().orElseThrow().get());
        // The secret read and the token stay in memory: the only output is the summary, and it holds neither.
        assertEquals(Set.of("smokeCheck"), result.outputs().keySet());
        String exported = String.valueOf(PulumiTest.extractValue(result.output("smokeCheck")));
        assertTrue(!exported.contains("s3cret") && !exported.contains("issued-token"), exported);
    }

    /** A stand-in for the Cognito domain's /oauth2/token, and the smoke client's credentials that name it. */
    private DeployedApiCheck.Credentials tokenEndpoint(com.sun.net.httpserver.HttpHandler answer) throws java.io.IOException {
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/oauth2/token", answer);
        tokenEndpoint.start();
        String tokenUrl = "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/oauth2/token";
        return new DeployedApiCheck.Credentials(Output.of("eu-west-1_a1B2c3D4e"), Output.of("smoke-client"), Output.of(tokenUrl),
                SmokeCheck.SCOPES);
    }

    @Test
    void theSecretIsReadWithTheProvidersDataSource() {
        var credentials = new DeployedApiCheck.Credentials(Output.of("eu-west-1_a1B2c3D4e"), Output.of("smoke-client"),
                Output.of("http://127.0.0.1:1/oauth2/token"), SmokeCheck.SCOPES);
        List<String> secrets = new CopyOnWriteArrayList<>();
        TestResult result = run(false, Optional.of(credentials), recording(),
                (pool, client) -> DeployedApiCheck.SecretReader.COGNITO.secret(pool, client).applyValue(secret -> {
                    secrets.add(secret);
                    throw new IllegalStateException("stop before the token endpoint");
                }));
        assertEquals(List.of("aws:cognito/getUserPoolClient:getUserPoolClient eu-west-1_a1B2c3D4e/smoke-client"), secretsRead);
        assertEquals(List.of("s3cret-from-cognito"), secrets);
        assertTrue(!result.exceptions().isEmpty());
    }

    @Test
    void theTokenAsksForExactlyTheScopesTheSmokeCheckClientIsGranted() {
        StackRuns dev = StackRuns.of("dev");
        var client = dev.named(UserPoolClient.class, "users-identity-smoke-check");
        assertEquals(StackRuns.value(client.allowedOauthScopes()),
                DeployedApiCheck.Credentials.of(dev.one(UsersIdentity.class).smokeCheck()).scopes());
        assertEquals(SmokeCheck.SCOPES, DeployedApiCheck.Credentials.of(dev.one(UsersIdentity.class).smokeCheck()).scopes());
    }

    @Test
    void theDeployedUrlWaitsForTheStageEveryRouteTheInvokePermissionAndTheAlias() {
        StackRuns prod = StackRuns.of("prod");
        UsersHttpApi api = prod.one(UsersHttpApi.class);
        Set<Resource> waitedFor = ((OutputInternal<String>) api.deployedUrl()).getDataAsync().join().getResources();
        List<Resource> expected = new ArrayList<>();
        expected.add(prod.one(Stage.class));
        expected.add(prod.named(Permission.class, "users-http-api-invoke"));
        expected.addAll(prod.all(Route.class));
        expected.add(prod.named(Alias.class, "users-api-live"));
        assertTrue(waitedFor.containsAll(expected), "waits for " + waitedFor);
    }
}
