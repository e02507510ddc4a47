package dev.usersapi.local.gateway;

import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two ids of a request, shaped as in the cloud, where they differ: API Gateway's
 * ({@code apigw-requestid}, the event's requestContext.requestId) and Lambda's invocation id
 * (the context's awsRequestId). API Gateway documents no format for its id; every HTTP API
 * response seen in public examples carries 16 characters of URL-safe base64 with one '='
 * (11 bytes), e.g. {@code apigw-requestid: U9euFi_ySQ0EPsw=}. Lambda's is a UUID. Neither is a
 * secret, so they come from the thread's own random generator, not from SecureRandom, whose
 * shared lock every request of UUID.randomUUID() took.
 */
final class RequestIds {
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder();

    private RequestIds() {}

    static String apiGateway() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return URL_SAFE.encodeToString(bytes);
    }

    /** A random (version 4, IETF variant) UUID, as Lambda's awsRequestId is. */
    static String lambda() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(high, low).toString();
    }
}
