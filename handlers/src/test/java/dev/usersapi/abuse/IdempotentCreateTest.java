package dev.usersapi.abuse;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.ApiRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** POST /users with an Idempotency-Key: a retry creates nothing and answers as the first request did. */
class IdempotentCreateTest {
    private final ApiFixture fixture = new ApiFixture();

    private static ApiRequests create(String key, String body) {
        return request("POST", "/users").header("Idempotency-Key", key).json(body);
    }

    @Test
    void aRetryWithTheSameKeyAndBodyReturnsTheFirstAnswerAndCreatesNothing() {
        APIGatewayV2HTTPResponse first = fixture.send(create("key-1", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        APIGatewayV2HTTPResponse retry = fixture.send(create("key-1", "{ \"email\": \"ada@example.com\", \"name\": \"Ada\" }"));

        assertEquals(201, first.getStatusCode());
        assertEquals(201, retry.getStatusCode());
        assertEquals(first.getBody(), retry.getBody());
        assertEquals(first.getHeaders().get("Location"), retry.getHeaders().get("Location"));
        assertEquals("true", retry.getHeaders().get("Idempotent-Replayed"));
        assertEquals(1, fixture.storedItems());
    }

    /**
     * A key belongs to its caller (the IETF httpapi Idempotency-Key draft: scope keys by what the
     * server knows of the client), so another caller can neither pre-claim a predictable key nor
     * replay someone's stored answer.
     */
    @Test
    void anotherCallerWithTheSameKeyAndBodyGetsItsOwnUser() {
        String body = "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";
        APIGatewayV2HTTPResponse first = fixture.send(create("shared-key", body).as("caller-a", "users/write"));
        APIGatewayV2HTTPResponse second = fixture.send(create("shared-key", body).as("caller-b", "users/write"));
        APIGatewayV2HTTPResponse otherBody = fixture.send(create("shared-key", "{\"name\":\"Bob\",\"email\":\"bob@example.com\"}")
                .as("caller-c", "users/write"));

        assertEquals(201, second.getStatusCode());
        assertEquals(null, second.getHeaders().get("Idempotent-Replayed"));
        assertTrue(!ApiFixture.idOf(first.getBody()).equals(ApiFixture.idOf(second.getBody())), "its own user, not the first caller's");
        assertEquals(201, otherBody.getStatusCode(), "no 422: the first caller's key does not block another's");
        assertEquals(3, fixture.storedItems());
        assertEquals("true", fixture.send(create("shared-key", body).as("caller-b", "users/write")).getHeaders().get("Idempotent-Replayed"),
                "each caller's own retry still replays its own answer");
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        fixture.send(create("key-2", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        APIGatewayV2HTTPResponse reused = fixture.send(create("key-2", "{\"name\":\"Bob\",\"email\":\"bob@example.com\"}"));
        assertEquals(422, reused.getStatusCode());
        assertEquals("application/problem+json", reused.getHeaders().get("Content-Type"));
        assertEquals(1, fixture.storedItems());
    }

    @Test
    void differentKeysCreateDifferentUsers() {
        fixture.send(create("key-3", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        fixture.send(create("key-4", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        assertEquals(2, fixture.storedItems());
    }

    @Test
    void aKeyIsForgottenAfterItsRetention() {
        fixture.send(create("key-5", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        fixture.clock.advance(Duration.ofHours(24).plusSeconds(1));
        APIGatewayV2HTTPResponse later = fixture.send(create("key-5", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        assertEquals(201, later.getStatusCode());
        assertEquals(null, later.getHeaders().get("Idempotent-Replayed"));
        assertEquals(2, fixture.storedItems());
    }

    @Test
    void aRetryAfterTheUserWasDeletedDoesNotResurrectIt() {
        APIGatewayV2HTTPResponse first = fixture.send(create("key-6", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        fixture.send(request("DELETE", first.getHeaders().get("Location")));
        APIGatewayV2HTTPResponse retry = fixture.send(create("key-6", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        assertEquals(first.getBody(), retry.getBody(), "the first answer, replayed");
        assertEquals(0, fixture.storedItems(), "nothing created again");
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneUser() throws Exception {
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return fixture.send(create("key-7", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}")).getStatusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) {
                assertTrue(Set.of(201, 409).contains(answer.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fixture.storedItems());
    }

    @Test
    void aMalformedKeyIs400() {
        APIGatewayV2HTTPResponse response = fixture.send(create("has space", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"));
        assertEquals(400, response.getStatusCode());
        assertEquals(0, fixture.storedItems());
    }
}
