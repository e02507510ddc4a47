package dev.usersapi.engine.wire;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The engine as the AWS SDK's HTTP client: the SDK marshals and signs its request as for the
 * network, and this hands the bytes to the engine with no socket, then gives the SDK the answer
 * with its content type. No x-amz-crc32: that checksum guards bytes on a wire, and here there is
 * none; the SDK checks it only when it is sent (the HTTP listener sends it), and computing it on
 * both sides was a tenth of an in-process call.
 */
public final class InProcessHttpClient implements SdkHttpClient {
    /** Request ids for the SDK's logs: a counter, as UUID.randomUUID() took SecureRandom's lock on every call. */
    private static final java.util.concurrent.atomic.AtomicLong REQUEST_IDS = new java.util.concurrent.atomic.AtomicLong();
    private final DynamoDbEngine engine;

    public InProcessHttpClient(DynamoDbEngine engine) {
        this.engine = engine;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                byte[] body;
                Optional<InputStream> content = request.contentStreamProvider().map(provider -> provider.newStream());
                try (InputStream in = content.orElseGet(InputStream::nullInputStream)) {
                    body = in.readAllBytes();
                }
                String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
                DynamoDbEngine.Answer answer = engine.handle(target, body);
                SdkHttpResponse response = SdkHttpResponse.builder().statusCode(answer.status())
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("Content-Length", Integer.toString(answer.body().length))
                        .putHeader("x-amzn-RequestId", Long.toString(REQUEST_IDS.incrementAndGet()))
                        .build();
                return HttpExecuteResponse.builder().response(response)
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer.body()))).build();
            }

            @Override
            public void abort() {
                // The engine answers synchronously on the caller's thread: there is nothing in flight to abort.
            }
        };
    }

    @Override
    public String clientName() {
        return "users-api-engine";
    }

    @Override
    public void close() {
        // The engine outlives its clients.
    }
}
