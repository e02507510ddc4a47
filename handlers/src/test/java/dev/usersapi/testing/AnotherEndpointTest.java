package dev.usersapi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.store.UsersTableSettings;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Run only by the test execution that points the integration tests at another endpoint
 * (handlers/pom.xml, "against-another-endpoint"): proves they really used it.
 */
class AnotherEndpointTest {
    @Test
    void theIntegrationTestsTablesLiveOnTheRequestedEndpoint() {
        URI requested = DynamoDbEndpoint.requestedEndpoint()
                .orElseThrow(() -> new AssertionError("run with USERS_API_DYNAMODB_ENDPOINT or -Dusers-api.dynamodb-endpoint set"));
        DynamoDbEndpoint shared = DynamoDbEndpoint.shared();
        assertTrue(shared.isOther());
        assertEquals(requested, shared.endpoint());
        UsersTableSettings tables = shared.createUsersTable();
        try (DynamoDbClient independent = DynamoDbClient.builder().endpointOverride(requested).httpClient(Apache5HttpClient.create()).build()) {
            var names = independent.listTables().tableNames();
            assertTrue(names.contains(tables.tableName()) && names.contains(tables.idempotencyTableName()), names.toString());
            assertTrue(tables.tableName().startsWith("users-api-test-"), "named for this run, beside whatever else lives there");
        }
    }
}
