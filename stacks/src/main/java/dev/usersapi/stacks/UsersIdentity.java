package dev.usersapi.stacks;

import com.pulumi.aws.cognito.ResourceServer;
import com.pulumi.aws.cognito.ResourceServerArgs;
import com.pulumi.aws.cognito.UserPool;
import com.pulumi.aws.cognito.UserPoolArgs;
import com.pulumi.aws.cognito.UserPoolClient;
import com.pulumi.aws.cognito.UserPoolClientArgs;
import com.pulumi.aws.cognito.UserPoolDomain;
import com.pulumi.aws.cognito.UserPoolDomainArgs;
import com.pulumi.aws.cognito.inputs.ResourceServerScopeArgs;
import com.pulumi.aws.cognito.inputs.UserPoolAdminCreateUserConfigArgs;
import com.pulumi.aws.cognito.inputs.UserPoolPasswordPolicyArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import dev.usersapi.client.smoke.SmokeCheck;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The identity provider the program creates when a stack names none of its own: a Cognito user
 * pool where only an administrator creates users, the resource server whose scopes the
 * contract's operations name, a domain for its token endpoint, and two client-credentials app
 * clients (one for services, one for the deployed API's smoke check), neither with
 * {@value #ADMIN_SCOPE}: each client's secret is readable where the pool is (DescribeUserPoolClient)
 * and in the stack's state (the client's {@code clientSecret} output, a Pulumi secret), so each is
 * given what confines a leaked secret to the users that client created. The API's JWT authorizer
 * takes its issuer and audiences from here.
 */
public final class UsersIdentity extends ComponentResource {
    /** The scope that admits every operation on every user (api/openapi.yaml, securitySchemes.usersAuth). */
    static final String ADMIN_SCOPE = "users/admin";
    static final String CLIENT_CREDENTIALS = "client_credentials";

    /**
     * What a client-credentials caller needs, its secret excepted: read at call time
     * ({@code cognito-idp describe-user-pool-client}), never exported.
     */
    public record Client(Output<String> userPoolId, Output<String> clientId, Output<String> tokenUrl, List<String> scopes) {}

    private final String region;
    private final UserPool pool;
    private final Output<String> tokenUrl;
    private final Client services;
    private final Client smokeCheck;

    /**
     * {@code scopes}: every scope the contract names, {@code users/read} and so on, with its
     * description, in the contract's order, as {@link #contractScopes} reads them.
     */
    public UsersIdentity(String name, String stack, String region, Map<String, String> scopes, boolean protectData,
                         Map<String, String> tags, ComponentResourceOptions options) {
        super("users-api:identity:UsersIdentity", name, options);
        CustomResourceOptions children = CustomResourceOptions.builder().parent(this).build();
        // What every caller holds (the issuer, the services client's id and secret, the token URL): a
        // replacement is an outage for all of them, so where data is protected Pulumi refuses it at preview.
        CustomResourceOptions heldByCallers = CustomResourceOptions.builder().parent(this).protect(protectData).build();
        this.region = region;
        String identifier = resourceServerIdentifier(scopes.keySet().stream().toList());
        if (!scopes.keySet().containsAll(SmokeCheck.SCOPES)) {
            throw new StackDeclarationException("the contract names no " + String.join(" and ", SmokeCheck.SCOPES)
                    + " scopes, which the smoke check's client needs");
        }

        this.pool = new UserPool(name + "-pool", UserPoolArgs.builder()
                // Nobody signs up: the callers are services with app clients, and people an administrator adds.
                .adminCreateUserConfig(UserPoolAdminCreateUserConfigArgs.builder().allowAdminCreateUserOnly(true).build())
                .passwordPolicy(UserPoolPasswordPolicyArgs.builder()
                        .minimumLength(14).requireLowercase(true).requireUppercase(true).requireNumbers(true).requireSymbols(true)
                        .temporaryPasswordValidityDays(1)
                        .build())
                .deletionProtection(protectData ? "ACTIVE" : "INACTIVE")
                .tags(tags)
                .build(), heldByCallers);

        ResourceServer server = new ResourceServer(name + "-users", ResourceServerArgs.builder()
                .userPoolId(pool.id())
                .identifier(identifier)
                .name(StackFile.PROJECT + "-" + identifier)
                .scopes(scopes.entrySet().stream().map(scope -> ResourceServerScopeArgs.builder()
                        .scopeName(scope.getKey().substring(identifier.length() + 1))
                        .scopeDescription(scope.getValue())
                        .build()).toList())
                .build(), children);

        UserPoolDomain domain = new UserPoolDomain(name + "-domain", UserPoolDomainArgs.builder()
                .userPoolId(pool.id())
                .domain(pool.id().applyValue(poolId -> domainPrefix(stack, poolId)))
                .build(), heldByCallers);
        this.tokenUrl = domain.domain().applyValue(prefix -> "https://" + prefix + ".auth." + region + ".amazoncognito.com/oauth2/token");

        CustomResourceOptions afterScopes = CustomResourceOptions.builder().parent(this).dependsOn(server).build();
        List<String> serviceScopes = scopes.keySet().stream().filter(scope -> !scope.equals(ADMIN_SCOPE)).toList();
        this.services = client(name + "-services", serviceScopes,
                CustomResourceOptions.builder().parent(this).dependsOn(server).protect(protectData).build());
        // What the check's steps need, and no more: a stolen secret reaches only the check's canaries.
        this.smokeCheck = client(name + "-smoke-check", SmokeCheck.SCOPES, afterScopes);
        registerOutputs(Map.of("issuer", issuer(), "tokenUrl", tokenUrl));
    }

    private Client client(String name, List<String> scopes, CustomResourceOptions options) {
        UserPoolClient client = new UserPoolClient(name, UserPoolClientArgs.builder()
                .userPoolId(pool.id())
                .generateSecret(true)
                .allowedOauthFlowsUserPoolClient(true)
                .allowedOauthFlows(CLIENT_CREDENTIALS)
                .allowedOauthScopes(scopes)
                .supportedIdentityProviders("COGNITO")
                // No user sign-in through this client: only refresh, which client credentials never use.
                .explicitAuthFlows("ALLOW_REFRESH_TOKEN_AUTH")
                .preventUserExistenceErrors("ENABLED")
                .enableTokenRevocation(true)
                .build(), options);
        return new Client(pool.id(), client.id(), tokenUrl, scopes);
    }

    /**
     * The JWT authorizer's issuer, Cognito's {@code https://cognito-idp.<region>.amazonaws.com/<poolId>},
     * and its audiences, the app client ids (the program's two, then the stack's {@code adminClients}): Cognito's access tokens carry no {@code aud}, and
     * API Gateway then matches their {@code client_id} against the audiences
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
     */
    public UsersHttpApi.Jwt authorizer(List<String> adminClients) {
        List<Output<String>> audiences = new java.util.ArrayList<>(List.of(services.clientId(), smokeCheck.clientId()));
        adminClients.forEach(client -> audiences.add(Output.of(client)));
        return new UsersHttpApi.Jwt(issuer(), Output.all(audiences));
    }

    private Output<String> issuer() {
        return pool.id().applyValue(poolId -> "https://cognito-idp." + region + ".amazonaws.com/" + poolId);
    }

    /** The app client for services: every scope but {@value #ADMIN_SCOPE}, so it reads and changes the users it owns. */
    public Client services() {
        return services;
    }

    /**
     * The app client of the deployed API's smoke check: {@link SmokeCheck#SCOPES} only, so it
     * reaches the canaries it creates and is refused the listing (which the check expects).
     */
    public Client smokeCheck() {
        return smokeCheck;
    }

    /**
     * Every scope the contract's oauth2 schemes declare (their client-credentials flow's
     * {@code scopes}: name to description), in the document's order.
     */
    public static Map<String, String> contractScopes(Map<?, ?> openApi) {
        Map<String, String> scopes = new LinkedHashMap<>();
        Object components = openApi.get("components");
        Object schemes = components instanceof Map<?, ?> map ? map.get("securitySchemes") : null;
        if (schemes instanceof Map<?, ?> all) {
            for (Object scheme : all.values()) {
                if (scheme instanceof Map<?, ?> oauth && "oauth2".equals(oauth.get("type")) && oauth.get("flows") instanceof Map<?, ?> flows
                        && flows.get("clientCredentials") instanceof Map<?, ?> flow && flow.get("scopes") instanceof Map<?, ?> declared) {
                    declared.forEach((scope, description) -> scopes.put(String.valueOf(scope), String.valueOf(description)));
                }
            }
        }
        if (scopes.isEmpty()) {
            throw new StackDeclarationException("api/openapi.yaml declares no oauth2 scheme with client-credentials scopes: "
                    + "the identity provider has no scopes to grant");
        }
        return scopes;
    }

    /** Cognito's custom scopes are {@code <resource server identifier>/<scope name>}: one resource server holds them all. */
    static String resourceServerIdentifier(List<String> scopes) {
        String identifier = scopes.get(0).contains("/") ? scopes.get(0).substring(0, scopes.get(0).lastIndexOf('/')) : "";
        for (String scope : scopes) {
            if (identifier.isEmpty() || !scope.startsWith(identifier + "/") || scope.length() == identifier.length() + 1) {
                throw new StackDeclarationException("the contract's scopes must all be <identifier>/<name> of one resource server, got "
                        + scopes);
            }
        }
        return identifier;
    }

    /**
     * The prefix of the pool's domain, {@code <prefix>.auth.<region>.amazoncognito.com}: unique in
     * the region and stable for the pool, from a digest of its id (hex, so it holds none of the
     * words Cognito reserves), within Cognito's pattern {@code ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$}.
     */
    static String domainPrefix(String stack, String poolId) {
        String stackPart = stack.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (stackPart.length() > 30) {
            stackPart = stackPart.substring(0, 30).replaceAll("-+$", "");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(poolId.getBytes(StandardCharsets.UTF_8));
            return StackFile.PROJECT + "-" + (stackPart.isEmpty() ? "" : stackPart + "-") + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
