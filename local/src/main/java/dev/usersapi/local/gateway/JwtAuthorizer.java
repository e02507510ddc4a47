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
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stand-in for API Gateway's JWT authorizer, for stacks that name an issuer (prod):
 * a request needs {@code Authorization: Bearer <JWT>} whose issuer and audience are the stack's,
 * unexpired, signed with the local key (HS256; the cloud checks the issuer's published keys).
 * Otherwise the gateway answers 401, as API Gateway does, and the function is never called.
 */
public final class JwtAuthorizer {
    private final byte[] key;
    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;

    public JwtAuthorizer(byte[] key, String issuer, List<String> audiences, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the JWT key must be at least 32 bytes");
        }
        this.key = key.clone();
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    /** The token's claims, as API Gateway passes them to the function; empty when the request is not authorized. */
    public Optional<Map<String, String>> authorize(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(authorization.get().substring(7).trim());
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date now = Date.from(clock.instant());
            boolean valid = issuer.equals(claims.getIssuer())
                    && claims.getAudience() != null && claims.getAudience().stream().anyMatch(audiences::contains)
                    && claims.getExpirationTime() != null && claims.getExpirationTime().after(now)
                    && (claims.getNotBeforeTime() == null || !claims.getNotBeforeTime().after(now));
            if (!valid) {
                return Optional.empty();
            }
            Map<String, String> asStrings = new LinkedHashMap<>();
            claims.getClaims().forEach((name, value) -> asStrings.put(name, value instanceof Date date
                    ? Long.toString(date.toInstant().getEpochSecond()) : String.valueOf(value)));
            return Optional.of(asStrings);
        } catch (ParseException | JOSEException malformed) {
            return Optional.empty();
        }
    }

    /** A token this authorizer accepts, for a subject: what the start-up line offers for curl, and tests use. */
    public String issue(String subject, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audiences.get(0))
                .subject(subject)
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
