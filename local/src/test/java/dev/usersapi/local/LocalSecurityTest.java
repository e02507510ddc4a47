package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.ApiOperation;
import dev.usersapi.declaration.OpenApiDocument;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.log.JsonLines;
import dev.usersapi.local.gateway.JwtAuthorizer;
import dev.usersapi.stream.ChangeLog;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's prod mode, route by route over HTTP: every operation of the contract needs a
 * token that API Gateway's JWT authorizer would accept (401 otherwise) with one of the route's
 * scopes (403 from the gateway otherwise, the function never called); past the gateway, a caller
 * without users/admin reaches only its own users (another's is 404), and an admin every user.
 * Also: loopback only, a Host other than the gateway's own refused (DNS rebinding), the data
 * directory the owner's only, and the JWT key kept off the command line.
 */
class LocalSecurityTest {
    private static final String KEY = "local-test-key-of-at-least-32-bytes!";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL_SCOPES = List.of("users/read", "users/write", "users/admin");
    private static LocalStack stack;
    /** Everything the stack's functions and servers log while this class runs: standard output and error, and the change log. */
    private static final ByteArrayOutputStream LOGGED = new ByteArrayOutputStream();
    private static final PrintStream STANDARD_OUTPUT = System.out;
    private static final PrintStream STANDARD_ERROR = System.err;

    @BeforeAll
    static void start() {
        // The functions log to standard output, as on Lambda; set before the stack builds them.
        PrintStream logged = new PrintStream(LOGGED, true, StandardCharsets.UTF_8);
        System.setOut(logged);
        System.setErr(logged);
        var changeLog = new JsonLines(logged);
        stack = LocalStack.start(new LocalOptions("prod", 0, true, Optional.empty(), OptionalInt.empty(), Optional.empty(), Duration.ofMillis(50),
                Duration.ofHours(1), Optional.of(KEY), dev.usersapi.local.gateway.GatewayLimits.defaults()), ProjectLayout.current(),
                new UserStreamHandler(new ChangeLog(changeLog), changeLog), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        stack.close();
        System.setOut(STANDARD_OUTPUT);
        System.setErr(STANDARD_ERROR);
    }

    /**
     * Users with recognisable names and emails through every route, good requests and bad, and
     * through the stream consumer: none of their data appears in any log line (issue #25 item 6).
     */
    @Test
    void noNameOrEmailOfAUserReachesAnyLogOnAnyRouteOrFromTheStream() throws Exception {
        String name = "Quillon Zephyrwhite";
        String email = "quillon.zephyrwhite@canary.example";
        String renamed = "Marisol Thistledown";
        String renamedEmail = "marisol.thistledown@canary.example";
        Optional<String> admin = Optional.of(token("pii-admin", "users/admin"));
        String user = "{\"name\":\"" + name + "\",\"email\":\"" + email + "\",\"age\":41}";

        HttpRequest.Builder idempotent = HttpRequest.newBuilder(stack.baseUrl().resolve("/users")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + admin.get()).header("Idempotency-Key", "pii-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(user));
        HttpResponse<String> created = HTTP.send(idempotent.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode());
        assertEquals(201, HTTP.send(idempotent.build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the replay");
        String first = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> legacy = send("POST", "/users/create", user, admin);
        String second = JSON.readTree(legacy.body()).get("id").asText();
        long secondCreatedAt = JSON.readTree(legacy.body()).get("createdAt").asLong();

        assertEquals(200, send("GET", "/users/" + first, null, admin).statusCode());
        assertEquals(200, send("GET", "/users?email=" + java.net.URLEncoder.encode(email, StandardCharsets.UTF_8), null, admin).statusCode());
        assertEquals(200, send("GET", "/users?limit=2", null, admin).statusCode());
        assertEquals(200, send("PATCH", "/users/" + first, "{\"name\":\"" + renamed + "\",\"email\":\"" + renamedEmail + "\"}", admin).statusCode());
        assertEquals(200, send("PATCH", "/users/" + second + "/update", "{\"id\":\"" + second + "\",\"createdAt\":" + secondCreatedAt
                + ",\"name\":\"" + renamed + "\"}", admin).statusCode());

        assertEquals(400, send("POST", "/users", "{\"name\":\"" + name + "\",\"email\":\"" + email + "\",\"age\":-1}", admin).statusCode());
        assertEquals(400, send("POST", "/users", "{\"name\":\"" + name + "\",\"email\":\"" + name + "\"}", admin).statusCode());
        assertEquals(400, send("GET", "/users?email=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8), null, admin).statusCode());
        assertEquals(412, send("PATCH", "/users/" + first, "{\"email\":\"" + email + "\"}", admin, "If-Match", "\"1\"").statusCode());
        assertEquals(403, send("POST", "/users", user, Optional.of(token("pii-reader", "users/read"))).statusCode());
        assertEquals(404, send("PATCH", "/users/" + first, user, Optional.of(token("pii-stranger", "users/write"))).statusCode());

        assertEquals(204, send("DELETE", "/users/" + first, null, admin).statusCode());
        assertEquals(200, send("POST", "/users/" + second + "/delete", "{\"id\":\"" + second + "\",\"createdAt\":" + secondCreatedAt + "}", admin)
                .statusCode());

        // The stream consumer has seen every change, down to both removals.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            String logged = LOGGED.toString(StandardCharsets.UTF_8);
            return logged.lines().filter(line -> line.contains("\"REMOVE\"") && (line.contains(first) || line.contains(second))).count() == 2;
        });
        String logged = LOGGED.toString(StandardCharsets.UTF_8);
        assertTrue(logged.lines().anyMatch(line -> line.contains("\"INSERT\"") && line.contains(first) && line.contains("\"email\"")),
                "the change log names the changed attributes");
        for (String personal : List.of(name, email, renamed, renamedEmail, "Quillon", "Zephyrwhite", "Thistledown",
                java.net.URLEncoder.encode(email, StandardCharsets.UTF_8))) {
            assertTrue(!logged.toLowerCase(java.util.Locale.ROOT).contains(personal.toLowerCase(java.util.Locale.ROOT)),
                    () -> "\"" + personal + "\" is in the logs:\n" + logged);
        }
    }

    /**
     * prod sets no users-api:api.cors: like its cloud API, which has neither a corsConfiguration nor
     * the unauthorized OPTIONS route, it sends no CORS header, and a preflight meets the authorizer.
     */
    @Test
    void aStackWithoutCorsSendsNoCorsHeader() throws Exception {
        assertTrue(dev.usersapi.declaration.StackFile.load(ProjectLayout.current(), "prod").cors().isEmpty());
        String origin = "http://localhost:3000";
        HttpResponse<String> listed = send("GET", "/users", null, Optional.of(token("cors-check", ALL_SCOPES.toArray(String[]::new))),
                "Origin", origin);
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(Map.of(), HttpApiCorsRules.corsHeaders(listed));
        HttpResponse<String> preflight = send("OPTIONS", "/users", null, Optional.empty(), HttpApiCorsRules.preflightHeaders(origin, "GET"));
        assertEquals(401, preflight.statusCode(), preflight.body());
        assertEquals(Map.of(), HttpApiCorsRules.corsHeaders(preflight));
    }

    private static String token(String subject, String... scopes) {
        return stack.authorizer().orElseThrow().issue(subject, List.of(scopes), Duration.ofMinutes(5));
    }

    private static HttpResponse<String> send(String method, String path, String body, Optional<String> token, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.baseUrl().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> create(Optional<String> token) throws Exception {
        return send("POST", "/users", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}", token);
    }

    private static String createdBy(String subject) throws Exception {
        HttpResponse<String> created = create(Optional.of(token(subject, "users/write")));
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body()).get("id").asText();
    }

    /** One request of each operation of the contract, on the user {@code id} where it takes one. */
    private static HttpResponse<String> call(ApiOperation operation, String id, Optional<String> token) throws Exception {
        long createdAt = Long.parseLong(id.substring(0, 8) + id.substring(9, 13), 16);
        String key = "\"id\":\"" + id + "\",\"createdAt\":" + createdAt;
        String path = operation.path().replace("{id}", id);
        String body = switch (operation.operationId()) {
            case "createUser", "legacyCreateUser" -> "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";
            case "updateUser" -> "{\"age\":1}";
            case "legacyUpdateUser" -> "{" + key + ",\"age\":2}";
            case "legacyDeleteUser" -> "{" + key + "}";
            default -> null;
        };
        return send(operation.method(), path, body, token);
    }

    private static List<ApiOperation> operations() {
        return OpenApiDocument.operations(ProjectLayout.current().openApiDocument());
    }

    @Test
    void aTokenWithoutAnyOfTheRoutesScopesIsForbiddenByTheGatewayOnEveryRoute() throws Exception {
        String owner = "owner-" + UUID.randomUUID();
        String id = createdBy(owner);
        for (ApiOperation operation : operations()) {
            List<String> others = new ArrayList<>(ALL_SCOPES);
            others.removeAll(operation.scopes());
            HttpResponse<String> response = call(operation, id, Optional.of(token(owner, others.toArray(String[]::new))));
            assertEquals(403, response.statusCode(), operation.operationId() + " with " + others);
            assertEquals("{\"message\":\"Forbidden\"}", response.body(), "API Gateway's own answer: the function is not called");
            HttpResponse<String> noScope = call(operation, id, Optional.of(token(owner)));
            assertEquals(403, noScope.statusCode(), operation.operationId() + " with a token of no scope, such as an ID token");
        }
        HttpResponse<String> read = send("GET", "/users/" + id, null, Optional.of(token(owner, "users/read")));
        assertEquals(1, JSON.readTree(read.body()).get("version").asInt(), "nothing changed");
        assertEquals(403, send("GET", "/nowhere", null, Optional.of(token(owner))).statusCode(), "$default takes any scope of the contract's");
        assertEquals(404, send("GET", "/nowhere", null, Optional.of(token(owner, "users/read"))).statusCode());
    }

    @Test
    void anotherSubjectsUserIsNotFoundOnEveryRouteThatNamesOne() throws Exception {
        String id = createdBy("owner-" + UUID.randomUUID());
        Optional<String> stranger = Optional.of(token("stranger-" + UUID.randomUUID(), "users/read", "users/write"));
        for (ApiOperation operation : operations()) {
            if (operation.path().contains("{id}")) {
                assertEquals(404, call(operation, id, stranger).statusCode(), operation.operationId());
            }
        }
        HttpResponse<String> list = call(operations().stream().filter(op -> op.operationId().equals("listUsers")).findFirst().orElseThrow(),
                id, stranger);
        assertEquals(403, list.statusCode(), "listing needs users/admin");
    }

    @Test
    void theOwnerAndAnAdminGetThroughOnEveryRoute() throws Exception {
        String owner = "owner-" + UUID.randomUUID();
        Optional<String> admin = Optional.of(token("admin-" + UUID.randomUUID(), "users/admin"));
        for (ApiOperation operation : operations()) {
            Optional<String> own = Optional.of(token(owner, operation.scopes().get(0)));
            if (!operation.operationId().equals("listUsers")) {
                int status = call(operation, createdBy(owner), own).statusCode();
                assertTrue(status / 100 == 2, operation.operationId() + " by its owner: " + status);
            }
            int status = call(operation, createdBy(owner), admin).statusCode();
            assertTrue(status / 100 == 2, operation.operationId() + " by an admin: " + status);
        }
    }

    private static HttpResponse<String> tokenRequest(String form, Optional<String> basic) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.baseUrl().resolve("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        basic.ifPresent(credentials -> request.header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A service gets its token as from Cognito's token endpoint: client credentials, the scopes it asks for. */
    @Test
    void theTokenEndpointIssuesClientCredentialsTokensWithTheScopesAskedFor() throws Exception {
        JwtAuthorizer jwt = stack.authorizer().orElseThrow();
        Optional<String> client = Optional.of(jwt.clientId() + ":" + jwt.clientSecret());
        HttpResponse<String> admin = tokenRequest("grant_type=client_credentials&scope=users%2Fadmin", client);
        assertEquals(200, admin.statusCode(), admin.body());
        assertEquals("Bearer", JSON.readTree(admin.body()).get("token_type").asText());
        assertEquals(200, send("GET", "/users", null, Optional.of(JSON.readTree(admin.body()).get("access_token").asText())).statusCode());

        HttpResponse<String> reader = tokenRequest("grant_type=client_credentials&scope=users%2Fread&client_id=" + jwt.clientId()
                + "&client_secret=" + jwt.clientSecret(), Optional.empty());
        assertEquals(403, create(Optional.of(JSON.readTree(reader.body()).get("access_token").asText())).statusCode(), "read only");

        assertEquals(401, tokenRequest("grant_type=client_credentials", Optional.of(jwt.clientId() + ":wrong")).statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(tokenRequest("grant_type=password", client).body()).get("error").asText());
        assertEquals("invalid_scope", JSON.readTree(tokenRequest("grant_type=client_credentials&scope=users%2Froot", client).body())
                .get("error").asText());
    }

    private static String signed(com.nimbusds.jwt.JWTClaimsSet claims) throws Exception {
        var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /**
     * The local authorizer and the tokens it issues, held to the same record of AWS's documentation
     * the program's routes are held to (stacks' api-gateway/jwt-authorizer.json): a client-credentials
     * token carries Cognito's claims, and an ID token, a foreign issuer and a foreign audience get
     * the status the documentation gives.
     */
    @Test
    void theLocalAuthorizerKeepsTheDocumentedRulesTheProgramIsHeldTo() throws Exception {
        var rules = JSON.readTree(ProjectLayout.current().root().resolve("stacks/src/test/resources/api-gateway/jwt-authorizer.json").toFile());
        JwtAuthorizer jwt = stack.authorizer().orElseThrow();
        HttpResponse<String> issued = tokenRequest("grant_type=client_credentials&scope=users%2Fread",
                Optional.of(jwt.clientId() + ":" + jwt.clientSecret()));
        var claims = com.nimbusds.jwt.SignedJWT.parse(JSON.readTree(issued.body()).get("access_token").asText()).getJWTClaimsSet();
        rules.at("/cognitoTokens/clientCredentialsAccess/claims").fields().forEachRemaining(claim -> assertEquals(
                claim.getValue().asText().replace("{issuer}", jwt.issuer()).replace("{clientId}", jwt.clientId()).replace("{scopes}", "users/read"),
                String.valueOf(claims.getClaim(claim.getKey())), claim.getKey()));
        assertTrue(claims.getAudience().isEmpty(), "Cognito's access tokens have no aud");

        java.util.Date later = new java.util.Date(System.currentTimeMillis() + 60_000);
        String idToken = signed(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(jwt.issuer()).audience(jwt.clientId())
                .subject("a-person").claim("token_use", "id").expirationTime(later).build());
        assertEquals(rules.at("/authorizer/scopes/otherwise").asInt(), create(Optional.of(idToken)).statusCode(), "an ID token carries no scope");
        String foreignIssuer = signed(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("https://elsewhere.example").subject("x")
                .claim("client_id", jwt.clientId()).claim("scope", "users/write").expirationTime(later).build());
        assertEquals(rules.at("/authorizer/issuer/otherwise").asInt(), create(Optional.of(foreignIssuer)).statusCode());
        String foreignClient = signed(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(jwt.issuer()).subject("x")
                .claim("client_id", "another-client").claim("scope", "users/write").expirationTime(later).build());
        assertEquals(rules.at("/authorizer/audience/otherwise").asInt(), create(Optional.of(foreignClient)).statusCode());
    }

    @Test
    void aRequestWithoutATokenIs401AndNeverReachesTheFunction() throws Exception {
        HttpResponse<String> response = create(Optional.empty());
        assertEquals(401, response.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", response.body());
        assertTrue(response.headers().firstValue("www-authenticate").orElseThrow().startsWith("Bearer"));
    }

    @Test
    void theSampleTokenHasEveryScope() throws Exception {
        assertEquals(201, create(stack.sampleToken()).statusCode());
        assertEquals(200, send("GET", "/users", null, stack.sampleToken()).statusCode());
    }

    private static JwtAuthorizer authorizerFor(String key, List<String> audiences) {
        return new JwtAuthorizer(key.getBytes(StandardCharsets.UTF_8), stack.authorizer().orElseThrow().issuer(), audiences, Clock.systemUTC());
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() throws Exception {
        String forged = authorizerFor("another-key-that-is-also-32-bytes-long", stack.authorizer().orElseThrow().audiences())
                .issue("eve", ALL_SCOPES, Duration.ofMinutes(5));
        assertEquals(401, create(Optional.of(forged)).statusCode());
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        String expired = authorizerFor(KEY, stack.authorizer().orElseThrow().audiences()).issue("ada", ALL_SCOPES, Duration.ofMinutes(-1));
        HttpResponse<String> response = create(Optional.of(expired));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("www-authenticate").orElseThrow().contains("expired"));
    }

    @Test
    void aTokenForAnotherClientIs401() throws Exception {
        String elsewhere = authorizerFor(KEY, List.of("billing-api")).issue("ada", ALL_SCOPES, Duration.ofMinutes(5));
        assertEquals(401, create(Optional.of(elsewhere)).statusCode());
        assertEquals(401, create(Optional.of("not.a.jwt")).statusCode());
    }

    /** API Gateway checks {@code client_id} only where the token has no {@code aud}: a wrong {@code aud} is not saved by a right client id. */
    @Test
    void anAudClaimIsCheckedBeforeTheClientId() throws Exception {
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(stack.authorizer().orElseThrow().issuer()).subject("ada")
                .audience("billing-api").claim("client_id", stack.authorizer().orElseThrow().audiences().get(0)).claim("scope", "users/write")
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build();
        var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> response = create(Optional.of(jwt.serialize()));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("www-authenticate").orElseThrow().contains("audience"));
    }

    /** A raw request, so the Host header is the test's to choose (Java's HTTP client sets its own). */
    private static String rawGet(String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.baseUrl().getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /docs/ HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anotherHostIsRefusedSoAPageCannotReachTheStackThroughDnsRebinding() throws Exception {
        int port = stack.baseUrl().getPort();
        for (String host : List.of("attacker.example:" + port, "attacker.example", "127.0.0.1.nip.io:" + port, "localhost:" + (port + 1))) {
            String answer = rawGet(host);
            assertTrue(answer.startsWith("HTTP/1.1 421 "), host + ": " + answer.lines().findFirst().orElse(""));
            assertTrue(answer.contains("application/problem+json") && answer.contains("misdirected-request"), answer);
        }
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port)) {
            assertTrue(rawGet(host).startsWith("HTTP/1.1 200 "), host);
        }
    }

    @Test
    void theGatewayListensOnLoopbackOnlyAndDynamoDbHasNoPort() throws Exception {
        assertEquals("127.0.0.1", stack.baseUrl().getHost());
        assertTrue(stack.dynamoDbEndpoint().isEmpty(), "the engine opens no port unless --dynamodb-port asks");
        // The kernel's own table of listening sockets: a wildcard bind (0.0.0.0, ::) shows there even on a host with no other address.
        Path table = Path.of("/proc/net/tcp");
        if (Files.isReadable(table)) {
            // The kernel's hex of 127.0.0.1: in tcp, or IPv4-mapped (::ffff:127.0.0.1) in tcp6 where the JVM opened a dual-stack socket.
            List<String> loopback = List.of("0100007F", "0000000000000000FFFF00000100007F");
            List<String> bound = listeningAddresses(stack.baseUrl().getPort());
            assertTrue(!bound.isEmpty() && loopback.containsAll(bound), "the gateway's port is bound to 127.0.0.1 alone, not " + bound);
        }
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    assertThrows(java.io.IOException.class, () -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(address, stack.baseUrl().getPort()), 1000);
                        }
                    }, "reachable on " + address);
                }
            }
        }
    }

    /** The local addresses listening on this port, as /proc/net/tcp and tcp6 list them (state 0A is LISTEN). */
    private static List<String> listeningAddresses(int port) throws java.io.IOException {
        List<String> addresses = new java.util.ArrayList<>();
        String hexPort = String.format("%04X", port);
        for (String name : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path table = Path.of(name);
            if (!Files.isReadable(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[3].equals("0A") && fields[1].endsWith(":" + hexPort)) {
                    addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }

    @Test
    void theDataDirectoryIsTheOwnersOnly(@TempDir Path temporary) throws Exception {
        Path created = temporary.resolve(".users-api").resolve("prod");
        LocalStack.ownerOnlyDirectory(created);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created.getParent())), "and the parent it made");

        Path existing = Files.createDirectory(temporary.resolve("old"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LocalStack.ownerOnlyDirectory(existing);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)), "an old world-readable one is narrowed");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.failureDestination().getParent())),
                "the running stack's own, where batches given up on are kept even in memory");
    }

    @Test
    void theJwtKeyComesFromAFileOrTheEnvironmentNotOnlyTheCommandLine(@TempDir Path temporary) throws Exception {
        Path file = Files.writeString(temporary.resolve("jwt.key"), KEY + "\n");
        assertEquals(Optional.of(KEY), LocalOptions.parse(Map.of(), "--jwt-key-file", file.toString()).jwtKey());
        assertEquals(Optional.of(KEY), LocalOptions.parse(Map.of("USERS_API_JWT_KEY", KEY)).jwtKey());
        assertEquals(Optional.of("from-the-file-which-wins-over-the-variable"), LocalOptions.parse(Map.of("USERS_API_JWT_KEY", KEY),
                "--jwt-key-file", Files.writeString(temporary.resolve("other.key"), "from-the-file-which-wins-over-the-variable").toString()).jwtKey());
        assertEquals(Optional.empty(), LocalOptions.parse(Map.of()).jwtKey());
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(Map.of(), "--jwt-key-file", temporary.resolve("missing").toString()));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(Map.of("USERS_API_JWT_KEY", "short")));
    }
}
