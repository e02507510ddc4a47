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
 * with the headers it checks (the content type and x-amz-crc32).
 */
public final class InProcessHttpClient implements SdkHttpClient {
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
                        .putHeader("x-amz-crc32", Long.toString(answer.crc32()))
                        .putHeader("x-amzn-RequestId", java.util.UUID.randomUUID().toString())
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
