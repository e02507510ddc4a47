package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.apigatewayv2.Authorizer;
import com.pulumi.aws.apigatewayv2.Route;
import com.pulumi.aws.cognito.ResourceServer;
import com.pulumi.aws.cognito.UserPool;
import com.pulumi.aws.cognito.UserPoolClient;
import com.pulumi.aws.cognito.UserPoolDomain;
import com.pulumi.aws.lambda.Function;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.stacks.preview.OfflinePreview;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every AWS stage authenticates: the identity provider the program creates, the authorizer wired
 * to it, and what API Gateway then does with the tokens Cognito issues (the documented rules,
 * src/test/resources/api-gateway/jwt-authorizer.json).
 */
class IdentityTest {
    private static final List<ApiOperation> CONTRACT = OpenApiDocument.operations(ProjectLayout.current().openApiDocument());
    private static final Map<String, String> CONTRACT_SCOPES =
            UsersIdentity.contractScopes(OpenApiDocument.tree(ProjectLayout.current().openApiDocument()));
    private static final JsonObject RULES = rules();

    private static JsonObject rules() {
        try (var reader = new InputStreamReader(IdentityTest.class.getResourceAsStream("/api-gateway/jwt-authorizer.json"),
                StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(reader).getAsJsonObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyRouteNeedsATokenWithOneOfItsOperationsScopes(String stack) {
        StackRuns runs = StackRuns.of(stack);
        Authorizer authorizer = runs.one(Authorizer.class);
        assertEquals("JWT", value(authorizer.authorizerType()));
        assertEquals(Optional.of(List.of("$request.header.Authorization")), value(authorizer.identitySources()));
        Map<String, Set<String>> expected = CONTRACT.stream().collect(Collectors.toMap(ApiOperation::routeKey, op -> Set.copyOf(op.scopes())));
        expected.put("$default", CONTRACT_SCOPES.keySet());
        Map<String, Set<String>> deployed = new HashMap<>();
        for (Route route : runs.all(Route.class)) {
            String key = value(route.routeKey());
            if (key.equals("OPTIONS /{proxy+}")) {
                continue; // a browser's preflight, unauthorized where CORS is set: HttpApiTest holds it
            }
            assertEquals(Optional.of("JWT"), value(route.authorizationType()), key);
            assertEquals(Optional.of(value(authorizer.id())), value(route.authorizerId()), key);
            deployed.put(key, Set.copyOf(scopesOf(route)));
        }
        assertEquals(expected, deployed, "each operation's scopes from the contract; $default any of the contract's");
        assertTrue(deployed.values().stream().noneMatch(Set::isEmpty), "no route admits a token without a scope");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theFunctionChecksTheClaimsItself(String stack) {
        var variables = value(StackRuns.of(stack).named(Function.class, "users-api").environment()).orElseThrow().variables();
        assertEquals("jwt", variables.get("USERS_AUTHORIZATION"));
        for (Function function : StackRuns.of(stack).all(Function.class)) {
            var environment = value(function.environment());
            assertTrue(environment == null || environment.isEmpty() || environment.get().variables()
                    .getOrDefault("USERS_AUTHORIZATION", "jwt").equals("jwt"), "no function of an AWS stage runs open");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theProgramCreatesAUserPoolOnlyAnAdministratorAddsUsersTo(String stack) {
        StackRuns runs = StackRuns.of(stack);
        UserPool pool = runs.one(UserPool.class);
        assertEquals(Optional.of(true), value(pool.adminCreateUserConfig()).allowAdminCreateUserOnly());
        // Deletion protection where the stack protects its data (users-api:protectData: staging, prod).
        assertEquals(Optional.of(stack.equals("dev") ? "INACTIVE" : "ACTIVE"), value(pool.deletionProtection()));
        // And Pulumi refuses to replace what callers hold there (a new issuer, client or token URL is an outage for all of them).
        var mocks = runs.run.mocks();
        boolean protectsData = !stack.equals("dev");
        assertEquals(protectsData, mocks.isProtected("aws:cognito/userPool:UserPool", "users-identity-pool"));
        assertEquals(protectsData, mocks.isProtected("aws:cognito/userPoolDomain:UserPoolDomain", "users-identity-domain"));
        assertEquals(protectsData, mocks.isProtected("aws:cognito/userPoolClient:UserPoolClient", "users-identity-services"));

        ResourceServer server = runs.one(ResourceServer.class);
        assertEquals("users", value(server.identifier()));
        assertEquals(value(pool.id()), value(server.userPoolId()));
        assertEquals(Set.of("read", "write", "admin"), value(server.scopes()).orElseThrow().stream()
                .map(scope -> scope.scopeName()).collect(Collectors.toSet()));
        assertEquals(CONTRACT_SCOPES.keySet(), value(server.scopes()).orElseThrow().stream()
                .map(scope -> "users/" + scope.scopeName()).collect(Collectors.toSet()), "the contract's scopes, no more");

        UserPoolDomain domain = runs.one(UserPoolDomain.class);
        // AWS::Cognito::UserPoolDomain's Domain pattern (CloudFormation User Guide).
        assertTrue(value(domain.domain()).matches("^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"), value(domain.domain()));
        assertEquals("https://" + value(domain.domain()) + ".auth.eu-west-1.amazoncognito.com/oauth2/token", runs.output("tokenUrl"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void servicesAndTheSmokeCheckGetClientCredentialsClientsWithTheirScopes(String stack) {
        StackRuns runs = StackRuns.of(stack);
        Map<String, UserPoolClient> clients = runs.all(UserPoolClient.class).stream()
                .collect(Collectors.toMap(client -> client.pulumiResourceName(), client -> client));
        assertEquals(Set.of("users-identity-services", "users-identity-smoke-check"), clients.keySet());
        for (UserPoolClient client : clients.values()) {
            assertEquals(List.of("client_credentials"), value(client.allowedOauthFlows()));
            assertEquals(true, value(client.allowedOauthFlowsUserPoolClient()));
            assertEquals(Optional.of(true), value(client.generateSecret()), "client credentials need a secret");
            assertEquals(value(runs.one(UserPool.class).id()), value(client.userPoolId()));
        }
        assertEquals(List.of("users/read", "users/write"), value(clients.get("users-identity-services").allowedOauthScopes()));
        // The smoke check's secret is readable (DescribeUserPoolClient, the state's clientSecret): it reaches only its canaries.
        assertEquals(List.of("users/read", "users/write"), value(clients.get("users-identity-smoke-check").allowedOauthScopes()));
        assertTrue(clients.values().stream().noneMatch(client -> value(client.allowedOauthScopes()).contains("users/admin")),
                "no app client of the stack's is granted users/admin");
        assertEquals(value(clients.get("users-identity-smoke-check").id()), runs.output("smokeCheckClientId"));
        assertTrue(runs.run.result().outputs().keySet().stream().noneMatch(name -> name.toLowerCase().contains("secret")),
                "no client secret is a stack output");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theAuthorizerTrustsThePoolsIssuerAndItsClients(String stack) {
        StackRuns runs = StackRuns.of(stack);
        var jwt = value(runs.one(Authorizer.class).jwtConfiguration()).orElseThrow();
        String poolId = value(runs.one(UserPool.class).id());
        assertEquals(Optional.of(RULES.getAsJsonObject("cognitoIssuer").get("format").getAsString()
                .replace("{region}", "eu-west-1").replace("{userPoolId}", poolId)), jwt.issuer());
        assertEquals(runs.all(UserPoolClient.class).stream().map(client -> value(client.id())).collect(Collectors.toSet()),
                Set.copyOf(jwt.audiences()));
        assertEquals(jwt.issuer().orElseThrow(), runs.output("jwtIssuer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void apiGatewayAdmitsCognitoAccessTokensByScopeAndRefusesIdTokens(String stack) {
        StackRuns runs = StackRuns.of(stack);
        var jwt = value(runs.one(Authorizer.class).jwtConfiguration()).orElseThrow();
        String issuer = jwt.issuer().orElseThrow();
        Map<String, UserPoolClient> clients = runs.all(UserPoolClient.class).stream()
                .collect(Collectors.toMap(client -> client.pulumiResourceName(), client -> client));
        String services = value(clients.get("users-identity-services").id());
        String smoke = value(clients.get("users-identity-smoke-check").id());
        Map<String, List<String>> routes = new LinkedHashMap<>();
        runs.all(Route.class).stream().filter(route -> !value(route.routeKey()).equals("OPTIONS /{proxy+}"))
                .forEach(route -> routes.put(value(route.routeKey()), scopesOf(route)));

        var smokeToken = token("clientCredentialsAccess", issuer, smoke, "users/read users/write");
        var servicesToken = token("clientCredentialsAccess", issuer, services, "users/read users/write");
        var idToken = token("id", issuer, smoke, "");
        var otherPool = token("clientCredentialsAccess", issuer.replace(value(runs.one(UserPool.class).id()), "eu-west-1_Zz9Yy8Xx7"),
                smoke, "users/admin");
        var otherClient = token("clientCredentialsAccess", issuer, "7abcdefghijklmnopqrstuvwxy", "users/admin");
        routes.forEach((route, scopes) -> {
            // The smoke check's token passes every route but the listing, whose 403 from the authorizer the check expects.
            assertEquals(route.equals("GET /users") ? 403 : 200, judge(issuer, jwt.audiences(), scopes, smokeToken), route);
            assertEquals(403, judge(issuer, jwt.audiences(), scopes, idToken), route + ": an ID token carries no scope");
            assertEquals(401, judge(issuer, jwt.audiences(), scopes, otherPool), route);
            assertEquals(401, judge(issuer, jwt.audiences(), scopes, otherClient), route);
        });
        assertEquals(200, judge(issuer, jwt.audiences(), routes.get("GET /users/{id}"), servicesToken));
        assertEquals(200, judge(issuer, jwt.audiences(), routes.get("POST /users"), servicesToken));
        assertEquals(403, judge(issuer, jwt.audiences(), routes.get("GET /users"), servicesToken), "listing needs users/admin");
    }

    @Test
    void aStackMayBringItsOwnIssuerAndThenGetsNoUserPool() {
        Map<String, Object> config = prodConfig();
        @SuppressWarnings("unchecked")
        Map<String, Object> api = new HashMap<>((Map<String, Object>) config.get("users-api:api"));
        api.put("jwt", Map.of("issuer", "https://login.acme.test/oauth2/default", "audiences", List.of("api://users")));
        config.put("users-api:api", api);
        ProjectLayout layout = ProjectLayout.current();
        var run = OfflinePreview.run(layout, StackSettings.from(StackFile.of("prod", config)));
        assertEquals(List.of(), run.result().exceptions());
        var resources = run.result().resources();
        assertTrue(resources.stream().noneMatch(resource -> resource.pulumiResourceType().startsWith("aws:cognito")));
        Authorizer authorizer = resources.stream().filter(Authorizer.class::isInstance).map(Authorizer.class::cast).findFirst().orElseThrow();
        var jwt = value(authorizer.jwtConfiguration()).orElseThrow();
        assertEquals(Optional.of("https://login.acme.test/oauth2/default"), jwt.issuer());
        assertEquals(List.of("api://users"), jwt.audiences());
        assertTrue(resources.stream().filter(Route.class::isInstance).map(Route.class::cast)
                .allMatch(route -> value(route.authorizationType()).equals(Optional.of("JWT"))
                        && !scopesOf(route).isEmpty()));
    }

    /** Neither of the program's clients may list users: an administrator's client, made outside the state, is admitted by id. */
    @Test
    void anAdminClientMadeOutsideTheStackIsAdmittedAndListsUsers() {
        Map<String, Object> config = prodConfig();
        @SuppressWarnings("unchecked")
        Map<String, Object> api = new HashMap<>((Map<String, Object>) config.get("users-api:api"));
        api.put("adminClients", List.of("5ad0m1nc11entmadebyhand000"));
        config.put("users-api:api", api);
        var run = OfflinePreview.run(ProjectLayout.current(), StackSettings.from(StackFile.of("prod", config)));
        assertEquals(List.of(), run.result().exceptions());
        var resources = run.result().resources();
        var jwt = value(resources.stream().filter(Authorizer.class::isInstance).map(Authorizer.class::cast).findFirst().orElseThrow()
                .jwtConfiguration()).orElseThrow();
        assertEquals(3, jwt.audiences().size(), "the services and smoke-check clients, and the administrator's: " + jwt.audiences());
        String issuer = jwt.issuer().orElseThrow();
        List<String> listing = resources.stream().filter(Route.class::isInstance).map(Route.class::cast)
                .filter(route -> value(route.routeKey()).equals("GET /users")).findFirst().map(IdentityTest::scopesOf).orElseThrow();
        assertEquals(200, judge(issuer, jwt.audiences(), listing, token("clientCredentialsAccess", issuer, "5ad0m1nc11entmadebyhand000", "users/admin")));
        assertTrue(resources.stream().filter(UserPoolClient.class::isInstance).count() == 2, "the program still makes two clients, neither an admin");

        api.put("adminClients", List.of("not a client id"));
        assertThrows(StackDeclarationException.class, () -> StackSettings.from(StackFile.of("prod", config)));
        api.put("adminClients", List.of("5ad0m1nc11entmadebyhand000"));
        api.put("jwt", Map.of("issuer", "https://login.acme.test/oauth2/default", "audiences", List.of("api://users")));
        var refused = assertThrows(StackDeclarationException.class, () -> StackSettings.from(StackFile.of("prod", config)));
        assertTrue(refused.getMessage().contains("list them in jwt.audiences"), refused.getMessage());
    }

    @Test
    void anIssuerLeftAsAPlaceholderOrNotHttpsIsRefused() {
        for (Object issuer : List.of("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_REPLACEME", "http://login.acme.test")) {
            Map<String, Object> config = prodConfig();
            config.put("users-api:api", Map.of("jwt", Map.of("issuer", issuer, "audiences", List.of("api://users"))));
            assertThrows(StackDeclarationException.class, () -> StackSettings.from(StackFile.of("prod", config)), issuer.toString());
        }
        Map<String, Object> noAudience = prodConfig();
        noAudience.put("users-api:api", Map.of("jwt", Map.of("issuer", "https://login.acme.test", "audiences", List.of())));
        assertThrows(StackDeclarationException.class, () -> StackSettings.from(StackFile.of("prod", noAudience)));
    }

    @Test
    void anOperationWithoutScopesIsRefusedRatherThanOpenToIdTokens() {
        var open = new ApiOperation("getUser", "GET", "/users/{id}", false, List.of());
        var error = assertThrows(StackDeclarationException.class, () -> UsersHttpApi.routeScopes(List.of(open)));
        assertTrue(error.getMessage().contains("getUser"), error.getMessage());
    }

    @Test
    void domainPrefixesFitCognitosPatternForAnyStackName() {
        for (String stack : List.of("dev", "Prod_EU", "a-very-long-stack-name-for-the-eu-west-region-only")) {
            String prefix = UsersIdentity.domainPrefix(stack, "eu-west-1_a1B2c3D4e");
            assertTrue(prefix.matches("^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"), prefix);
            assertTrue(!prefix.contains("aws") && !prefix.contains("amazon") && !prefix.contains("cognito"), prefix);
        }
        assertTrue(!UsersIdentity.domainPrefix("dev", "eu-west-1_a1B2c3D4e").equals(UsersIdentity.domainPrefix("dev", "eu-west-1_A1B2c3D4e")),
                "pool ids differ in case only: their domains still differ");
    }

    /** A route's authorizationScopes; under mocks an absent input resolves to null rather than an empty Optional. */
    private static List<String> scopesOf(Route route) {
        Optional<List<String>> scopes = value(route.authorizationScopes());
        return scopes == null ? List.of() : scopes.orElse(List.of());
    }

    /** A token of the given shape from the data file, with its placeholders filled. */
    private static Map<String, String> token(String kind, String issuer, String clientId, String scopes) {
        Map<String, String> claims = new HashMap<>();
        RULES.getAsJsonObject("cognitoTokens").getAsJsonObject(kind).getAsJsonObject("claims").entrySet().forEach(claim -> claims.put(
                claim.getKey(), claim.getValue().getAsString().replace("{issuer}", issuer).replace("{clientId}", clientId)
                        .replace("{scopes}", scopes).replace("{userSub}", "0f3c9a1e-user")));
        return claims;
    }

    /** API Gateway's answer for a token with a valid signature, as the data file's rules say: 401, 403, or 200 (admitted). */
    private static int judge(String issuer, List<String> audiences, List<String> routeScopes, Map<String, String> claims) {
        JsonObject authorizer = RULES.getAsJsonObject("authorizer");
        if (!issuer.equals(claims.get(authorizer.getAsJsonObject("issuer").get("claim").getAsString()))) {
            return authorizer.getAsJsonObject("issuer").get("otherwise").getAsInt();
        }
        var audienceClaims = authorizer.getAsJsonObject("audience").getAsJsonArray("claims");
        String audience = claims.containsKey(audienceClaims.get(0).getAsString()) ? claims.get(audienceClaims.get(0).getAsString())
                : claims.get(audienceClaims.get(1).getAsString());
        if (audience == null || !audiences.contains(audience)) {
            return authorizer.getAsJsonObject("audience").get("otherwise").getAsInt();
        }
        if (routeScopes.isEmpty()) {
            return 200;
        }
        Set<String> tokenScopes = new java.util.HashSet<>();
        authorizer.getAsJsonObject("scopes").getAsJsonArray("claims").forEach(claim -> Optional.ofNullable(claims.get(claim.getAsString()))
                .ifPresent(scopes -> tokenScopes.addAll(Arrays.asList(scopes.split(" ")))));
        return routeScopes.stream().anyMatch(tokenScopes::contains) ? 200 : authorizer.getAsJsonObject("scopes").get("otherwise").getAsInt();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> prodConfig() {
        try {
            Map<String, Object> document = new Yaml().load(java.nio.file.Files.readString(ProjectLayout.current().stackFile("prod")));
            return new HashMap<>((Map<String, Object>) document.get("config"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
