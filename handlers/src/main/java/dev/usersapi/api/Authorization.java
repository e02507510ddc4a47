package dev.usersapi.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the handler learns who is calling, set by {@code USERS_AUTHORIZATION}.
 *
 * <p>{@link #JWT}, the default when the variable is unset: the caller is the one API Gateway's
 * JWT authorizer put into the payload 2.0 event ({@code requestContext.authorizer.jwt.claims});
 * a request without those claims is refused, so a route deployed without its authorizer fails
 * closed. Scopes are read from the token's own {@code scope} claim (space-separated, as Cognito's
 * access tokens carry it) and {@code scp}, the two claims API Gateway matches a route's
 * authorizationScopes against.
 *
 * <p>{@link #NONE}: every request is an administrator's. Only the local stack's dev mode, open on
 * loopback, runs so; the Pulumi program never sets it.
 */
public enum Authorization {
    JWT,
    NONE;

    public static final String VARIABLE = "USERS_AUTHORIZATION";

    /** The one caller of an open (dev) stack: it may do everything, and its changes say who it was. */
    static final Caller LOCAL_DEVELOPER = new Caller("local-dev", Set.copyOf(Route.Scopes.ALL));

    /** The mode the environment names; an unknown value stops the function rather than open it. */
    public static Authorization fromEnvironment(Map<String, String> environment) {
        String value = environment.getOrDefault(VARIABLE, "jwt").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "jwt", "" -> JWT;
            case "none" -> {
                // Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment (Lambda developer guide,
                // "Defined runtime environment variables"): a stray setting there must not open every route.
                if (environment.containsKey("AWS_LAMBDA_FUNCTION_NAME")) {
                    throw new IllegalStateException(VARIABLE + "=none opens every route: it is for the local stack alone, never a Lambda function");
                }
                yield NONE;
            }
            default -> throw new IllegalStateException(VARIABLE + " must be jwt or none, not " + value);
        };
    }

    /** The caller of this request; empty when it carries no identity the authorizer vouched for. */
    Optional<Caller> caller(APIGatewayV2HTTPEvent event) {
        if (this == NONE) {
            return Optional.of(LOCAL_DEVELOPER);
        }
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            return Optional.empty();
        }
        Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
        Optional<String> subject = nonBlank(claims.get("sub")).or(() -> nonBlank(claims.get("client_id")));
        if (subject.isEmpty()) {
            return Optional.empty();
        }
        Set<String> scopes = new LinkedHashSet<>();
        addScopes(scopes, claims.get("scope"));
        addScopes(scopes, claims.get("scp"));
        return Optional.of(new Caller(subject.get(), scopes));
    }

    /**
     * A claim's scopes: {@code "a b"} as OAuth's {@code scope} has them; a list claim such as
     * {@code scp} reaches the function flattened to text, {@code "[a b]"} or {@code "[a,b]"}.
     */
    private static void addScopes(Set<String> scopes, String claim) {
        if (claim == null) {
            return;
        }
        String text = claim.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        for (String scope : text.split("[\\s,\"]+")) {
            if (!scope.isEmpty()) {
                scopes.add(scope);
            }
        }
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(text -> !text.isEmpty());
    }
}
