package dev.usersapi.store;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Idempotency-Key records for creates. The first request with a key claims it with a
 * conditional write that also fixes the user id it will create; the answer is stored when the
 * create is done, and every retry within the retention gets that answer. A claim whose request
 * died mid-way is taken over after its lease, with the same user id, so a retry never creates a
 * second user. Records expire through the table's time to live ({@code expiresAt}).
 *
 * <p>A key belongs to the caller that sent it: the record's key is the caller's subject (hashed,
 * a fixed length, so no subject and key can spell another's) with the client's key, as the IETF
 * httpapi Idempotency-Key draft advises, so no caller can claim, probe or replay another's.
 */
public final class IdempotencyStore {
    /** How long a claim is held by the request that made it before a retry may take it over. */
    static final Duration LEASE = Duration.ofSeconds(30);

    /** The answer a create gave, kept to replay it. */
    public record StoredResponse(int status, String body, Map<String, String> headers) {
        public StoredResponse {
            headers = Map.copyOf(headers);
        }
    }

    /** What claiming a key found. */
    public sealed interface Claim {
        /** This request owns the key: create the user with this id. */
        record Started(String userId) implements Claim {}

        /** The key's request finished: answer as it did. */
        record Replay(StoredResponse response) implements Claim {}

        /** Another request with the key is still running. */
        record InProgress() implements Claim {}

        /** The key was used with another body. */
        record Mismatch() implements Claim {}
    }

    private static final String KEY = "key";
    private static final String FINGERPRINT = "fingerprint";
    private static final String USER_ID = "userId";
    private static final String LEASE_UNTIL = "leaseUntil";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String STATUS = "status";
    private static final String BODY = "body";
    private static final String HEADERS = "headers";

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;

    public IdempotencyStore(DynamoDbClient dynamo, String tableName, Duration retention) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.retention = retention;
    }

    public Claim claim(String caller, String clientKey, String fingerprint, String proposedUserId, Instant now) {
        String key = recordKey(caller, clientKey);
        Map<String, AttributeValue> item = Map.of(
                KEY, AttributeValue.fromS(key),
                FINGERPRINT, AttributeValue.fromS(fingerprint),
                USER_ID, AttributeValue.fromS(proposedUserId),
                LEASE_UNTIL, number(now.plus(LEASE).toEpochMilli()),
                EXPIRES_AT, number(now.plus(retention).getEpochSecond()));
        try {
            dynamo.putItem(put -> put.tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(#key) OR #expiresAt <= :now")
                    .expressionAttributeNames(Map.of("#key", KEY, "#expiresAt", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":now", number(now.getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Started(proposedUserId);
        } catch (ConditionalCheckFailedException taken) {
            return existing(key, fingerprint, taken.item(), now);
        }
    }

    private Claim existing(String key, String fingerprint, Map<String, AttributeValue> record, Instant now) {
        if (!record.get(FINGERPRINT).s().equals(fingerprint)) {
            return new Claim.Mismatch();
        }
        if (record.containsKey(STATUS)) {
            Map<String, String> headers = new HashMap<>();
            record.get(HEADERS).m().forEach((name, value) -> headers.put(name, value.s()));
            return new Claim.Replay(new StoredResponse(Integer.parseInt(record.get(STATUS).n()), record.get(BODY).s(), headers));
        }
        AttributeValue lease = record.get(LEASE_UNTIL);
        if (Long.parseLong(lease.n()) > now.toEpochMilli()) {
            return new Claim.InProgress();
        }
        try {
            dynamo.updateItem(update -> update.tableName(tableName)
                    .key(Map.of(KEY, AttributeValue.fromS(key)))
                    .updateExpression("SET #lease = :newLease")
                    .conditionExpression("#lease = :oldLease AND attribute_not_exists(#status)")
                    .expressionAttributeNames(Map.of("#lease", LEASE_UNTIL, "#status", STATUS))
                    .expressionAttributeValues(Map.of(":newLease", number(now.plus(LEASE).toEpochMilli()), ":oldLease", lease)));
            return new Claim.Started(record.get(USER_ID).s());
        } catch (ConditionalCheckFailedException anotherRetryWon) {
            return new Claim.InProgress();
        }
    }

    /** Stores the answer of the request that holds the key. */
    public void complete(String caller, String clientKey, StoredResponse response) {
        String key = recordKey(caller, clientKey);
        Map<String, AttributeValue> headers = new HashMap<>();
        response.headers().forEach((name, value) -> headers.put(name, AttributeValue.fromS(value)));
        dynamo.updateItem(update -> update.tableName(tableName)
                .key(Map.of(KEY, AttributeValue.fromS(key)))
                .updateExpression("SET #status = :status, #body = :body, #headers = :headers REMOVE #lease")
                .expressionAttributeNames(Map.of("#status", STATUS, "#body", BODY, "#headers", HEADERS, "#lease", LEASE_UNTIL))
                .expressionAttributeValues(Map.of(
                        ":status", number(response.status()),
                        ":body", AttributeValue.fromS(response.body()),
                        ":headers", AttributeValue.fromM(headers))));
    }

    /** The record's key: SHA-256 of the caller's subject, then the client's key. */
    static String recordKey(String caller, String clientKey) {
        return sha256Hex(caller) + ":" + clientKey;
    }

    /** SHA-256 of the text's UTF-8 bytes, in lower-case hex. */
    public static String sha256Hex(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
