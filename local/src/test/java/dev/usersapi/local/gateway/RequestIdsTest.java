package dev.usersapi.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The two ids of a local request look as they do in the cloud, and differ as they do there. */
class RequestIdsTest {
    @Test
    void apiGatewaysIdHasTheShapeItsResponsesShow() {
        // e.g. "apigw-requestid: U9euFi_ySQ0EPsw=" from a deployed HTTP API (AWS documents no format).
        String id = RequestIds.apiGateway();
        assertTrue(id.matches("[A-Za-z0-9_-]{15}="), id);
        assertNotEquals(id, RequestIds.apiGateway());
    }

    @Test
    void lambdasIdIsARandomUuid() {
        UUID id = UUID.fromString(RequestIds.lambda());
        assertEquals(4, id.version());
        assertEquals(2, id.variant());
        assertNotEquals(id.toString(), RequestIds.lambda());
    }
}
