package dev.usersapi.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.testing.ApiFixture;
import org.junit.jupiter.api.Test;

/** SnapStart's priming request goes the whole way to DynamoDB and changes nothing. */
class PrimingTest {
    @Test
    void primingReadsAUserNoOneHasAndWritesNothing() {
        ApiFixture fixture = new ApiFixture();
        fixture.createUser("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");
        assertEquals(404, fixture.api.handle(PrimingRequest.event()).getStatusCode(), "a real GetItem, answered not found");
        new UsersApiHandler(fixture.api).beforeCheckpoint(null);
        assertEquals(1, fixture.storedItems());
    }
}
