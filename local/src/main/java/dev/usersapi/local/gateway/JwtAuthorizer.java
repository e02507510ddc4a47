package dev.usersapi.local.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The local stand-in for API Gateway's JWT authorizer, in the local stack's prod mode. It checks a
 * token as API Gateway's HTTP API JWT authorizer does (its developer guide, "Control access to HTTP
 * APIs with JWT authorizers", and "Troubleshooting issues with HTTP API JWT authorizers"):
 * <ol>
 *   <li>the token from {@code Authorization}, alone or after {@code Bearer};</li>
 *   <li>its signature (here HS256 with the local key; the cloud checks the issuer's published keys);</li>
 *   <li>{@code iss} is the authorizer's issuer;</li>
 *   <li>{@code aud} is one of the audiences, or, only where the token has no {@code aud} (as
 *       Cognito's access tokens have none), {@code client_id} is;</li>
 *   <li>{@code exp} is after now, {@code nbf} and {@code iat} before it;</li>
 *   <li>where the route names authorizationScopes, the token's {@code scope} (space-separated) or
 *       {@code scp} carries at least one of them.</li>
 * </ol>
 * A token failing 1-5 gets 401 {@code {"message":"Unauthorized"}} with a {@code www-authenticate}
 * saying why; one failing 6 gets 403 {@code {"message":"Forbidden"}}; the function is never
 * called. A token that passes reaches it with its claims as text in
 * {@code requestContext.authorizer.jwt.claims}.
 *
 * <p>Tokens it issues are shaped like Cognito's access tokens: {@code sub}, {@code client_id}
 * (the first audience), {@code token_use: access}, {@code scope}, and no {@code aud}.
 */
public final class JwtAuthorizer {
    /** What the authorizer decided. */
    public sealed interface Decision {
        /** 401: no valid token; {@code reason} goes into {@code www-authenticate} as API Gateway's does. */
        record Unauthorized(String reason) implements Decision {}

        /** 403: a valid token without any of the route's scopes. */
        record Forbidden() implements Decision {}

        /** Let through, with the claims the function receives. */
        record Authorized(Map<String, String> claims) implements Decision {}
    }

    private final byte[] key;
    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;

    public JwtAuthorizer(byte[] key, String issuer, List<String> audiences, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the JWT key must be at least 32 bytes");
        }
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a JWT authorizer needs at least one audience");
        }
        this.key = key.clone();
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    /** The issuer tokens must name ({@code iss}). */
    public String issuer() {
        return issuer;
    }

    /** The audiences a token's {@code aud}, or else its {@code client_id}, must be one of. */
    public List<String> audiences() {
        return audiences;
    }

    /** The local app client, as Cognito's client-credentials clients are: its id is the first audience. */
    public String clientId() {
        return audiences.get(0);
    }

    /**
     * The local app client's secret, for {@code POST /oauth2/token}. It is derived from the
     * signing key: whoever holds the key can sign any token already, so it tells nothing more.
     */
    public String clientSecret() {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal("users-api local client secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The decision for a request with this {@code Authorization} header on a route with these scopes. */
    public Decision authorize(Optional<String> authorization, List<String> routeScopes) {
        if (authorization.isEmpty() || authorization.get().isBlank()) {
            return new Decision.Unauthorized("the token is missing");
        }
        String token = authorization.get().strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return new Decision.Unauthorized("signature is invalid");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException malformed) {
            return new Decision.Unauthorized("invalid token");
        }
        Date now = Date.from(clock.instant());
        if (!issuer.equals(claims.getIssuer())) {
            return new Decision.Unauthorized("the token does not have a valid issuer");
        }
        if (!audienceMatches(claims)) {
            return new Decision.Unauthorized("the token does not have a valid audience");
        }
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().after(now)) {
            return new Decision.Unauthorized("the token has expired");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)
                || claims.getIssueTime() != null && claims.getIssueTime().after(now)) {
            return new Decision.Unauthorized("the token is not valid yet");
        }
        if (!routeScopes.isEmpty() && routeScopes.stream().noneMatch(scopes(claims)::contains)) {
            return new Decision.Forbidden();
        }
        Map<String, String> asText = new LinkedHashMap<>();
        claims.getClaims().forEach((name, value) -> asText.put(name, text(value)));
        return new Decision.Authorized(asText);
    }

    /** {@code aud} where the token has one; {@code client_id} only where it has none. */
    private boolean audienceMatches(JWTClaimsSet claims) {
        List<String> aud = claims.getAudience();
        if (aud != null && !aud.isEmpty()) {
            return aud.stream().anyMatch(audiences::contains);
        }
        Object clientId = claims.getClaim("client_id");
        return clientId instanceof String id && audiences.contains(id);
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String name : List.of("scope", "scp")) {
            Object value = claims.getClaim(name);
            if (value instanceof String text) {
                scopes.addAll(List.of(text.strip().split("\\s+")));
            } else if (value instanceof Collection<?> list) {
                list.forEach(scope -> scopes.add(String.valueOf(scope)));
            }
        }
        return scopes;
    }

    /** A claim as API Gateway passes it: dates as epoch seconds, lists as {@code [a b]}, the rest as text. */
    private static String text(Object value) {
        if (value instanceof Date date) {
            return Long.toString(date.toInstant().getEpochSecond());
        }
        if (value instanceof Collection<?> list) {
            return "[" + String.join(" ", list.stream().map(String::valueOf).toList()) + "]";
        }
        return String.valueOf(value);
    }

    /**
     * An access token this authorizer accepts, shaped like Cognito's: for a subject (for a
     * client-credentials token, Cognito's {@code sub} is the app client id) with these scopes.
     */
    public String issue(String subject, List<String> scopes, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .claim("client_id", audiences.get(0))
                .claim("token_use", "access")
                .claim("scope", String.join(" ", scopes))
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a local token", e);
        }
    }
}
