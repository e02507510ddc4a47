package dev.usersapi.api;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.model.UserIds;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.Json;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every route of the API, through the Lambda handler's entry, against the project's engine. */
class UsersRoutesTest {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    private final ApiFixture fixture = new ApiFixture();

    @Nested
    class CreateUser {
        @Test
        void answers201WithLocationEtagAndTheServerSetFields() {
            long before = fixture.clock.millis();
            APIGatewayV2HTTPResponse response = fixture.send(request("POST", "/users")
                    .json("{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":36}"));

            assertEquals(201, response.getStatusCode());
            JsonNode user = Json.parse(response.getBody());
            String id = user.get("id").asText();
            assertEquals("/users/" + id, response.getHeaders().get("Location"));
            assertEquals("\"1\"", response.getHeaders().get("ETag"));
            assertEquals("application/json", response.getHeaders().get("Content-Type"));
            assertEquals("Ada", user.get("name").asText());
            assertEquals(36, user.get("age").asInt());
            assertEquals(1, user.get("version").asLong());
            assertEquals(before, user.get("createdAt").asLong());
            assertEquals(user.get("createdAt").asLong(), UserIds.keyOf(id).orElseThrow().createdAt());
            assertEquals(before / 1000 + Duration.ofDays(5).toSeconds(), user.get("deleteAt").asLong(),
                    "deleteAt is epoch seconds, five days on, as the dev stack's retention says");
        }

        @Test
        void givesEveryUserItsOwnId() {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                ids.add(fixture.createUser("{\"name\":\"U\",\"email\":\"u@example.com\"}"));
            }
            assertEquals(20, ids.size());
        }

        @Test
        void omitsAgeWhenNoneIsGiven() {
            String id = fixture.createUser("{\"name\":\"Bo\",\"email\":\"bo@example.com\"}");
            JsonNode user = Json.parse(fixture.send(request("GET", "/users/" + id)).getBody());
            assertFalse(user.has("age"));
        }
    }

    @Nested
    class GetUser {
        @Test
        void answers200WithTheUserAndItsEtag() {
            String id = fixture.createUser("{\"name\":\"Cy\",\"email\":\"cy@example.com\",\"age\":0}");
            APIGatewayV2HTTPResponse response = fixture.send(request("GET", "/users/" + id));
            assertEquals(200, response.getStatusCode());
            assertEquals("\"1\"", response.getHeaders().get("ETag"));
            JsonNode user = Json.parse(response.getBody());
            assertEquals(id, user.get("id").asText());
            assertEquals(0, user.get("age").asInt());
        }

        @Test
        void answers404ForAnUnknownId() {
            APIGatewayV2HTTPResponse response = fixture.send(request("GET", "/users/" + new UserIds(new java.security.SecureRandom()).newId(1)));
            assertEquals(404, response.getStatusCode());
            assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        }

        @Test
        void hidesAUserPastItsExpiryBeforeDynamoDbRemovesIt() {
            String id = fixture.createUser("{\"name\":\"Di\",\"email\":\"di@example.com\"}");
            fixture.clock.advance(Duration.ofDays(5).plusSeconds(1));
            assertEquals(404, fixture.send(request("GET", "/users/" + id)).getStatusCode());
            assertEquals(1, fixture.storedItems(), "the item is still stored; only its time to live has passed");
            assertEquals("[]", fixture.send(request("GET", "/users")).getBody());
            assertEquals(404, fixture.send(request("PATCH", "/users/" + id).json("{\"name\":\"X\"}")).getStatusCode());
            assertEquals(404, fixture.send(request("DELETE", "/users/" + id)).getStatusCode());
        }
    }

    @Nested
    class ListUsers {
        @Test
        void pagesThroughEveryUserOnceFollowingTheLinkHeader() {
            Set<String> created = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                created.add(fixture.createUser("{\"name\":\"P" + i + "\",\"email\":\"p" + i + "@example.com\"}"));
            }
            Set<String> listed = new HashSet<>();
            int pages = 0;
            var next = request("GET", "/users").query("limit", "3");
            while (next != null) {
                APIGatewayV2HTTPResponse response = fixture.send(next);
                assertEquals(200, response.getStatusCode());
                JsonNode page = Json.parse(response.getBody());
                assertTrue(page.isArray(), "the list stays a JSON array for the sample's clients");
                assertTrue(page.size() <= 3);
                page.forEach(user -> assertTrue(listed.add(user.get("id").asText()), "no user twice"));
                pages++;
                next = nextPage(response);
            }
            assertEquals(created, listed);
            assertTrue(pages >= 3, "seven users in pages of three take at least three pages");
        }

        @Test
        void findsUsersByEmailThroughTheEmailIndex() {
            String first = fixture.createUser("{\"name\":\"E1\",\"email\":\"shared@example.com\"}");
            String second = fixture.createUser("{\"name\":\"E2\",\"email\":\"shared@example.com\"}");
            fixture.createUser("{\"name\":\"E3\",\"email\":\"other@example.com\"}");

            Set<String> found = new HashSet<>();
            var next = request("GET", "/users").query("email", "shared@example.com").query("limit", "1");
            while (next != null) {
                APIGatewayV2HTTPResponse response = fixture.send(next);
                assertEquals(200, response.getStatusCode());
                Json.parse(response.getBody()).forEach(user -> {
                    assertEquals("shared@example.com", user.get("email").asText());
                    found.add(user.get("id").asText());
                });
                next = nextPage(response);
            }
            assertEquals(Set.of(first, second), found);
        }

        @Test
        void readsTheEmailIndexNotTheTable() {
            fixture.createUser("{\"name\":\"G\",\"email\":\"gsi@example.com\"}");
            var index = fixture.dynamo.client().describeTable(d -> d.tableName(fixture.table.tableName()))
                    .table().globalSecondaryIndexes().get(0);
            assertEquals(fixture.table.emailIndexName(), index.indexName());
            assertEquals(1, (int) fixture.dynamo.client().scan(s -> s.tableName(fixture.table.tableName())
                    .indexName(index.indexName()).select("COUNT")).count(), "the index is populated");
        }

        @Test
        void answersAnEmptyArrayForAnEmptyTable() {
            APIGatewayV2HTTPResponse response = fixture.send(request("GET", "/users"));
            assertEquals(200, response.getStatusCode());
            assertEquals("[]", response.getBody());
            assertNull(response.getHeaders().get("Link"));
        }

        private dev.usersapi.testing.ApiRequests nextPage(APIGatewayV2HTTPResponse response) {
            String link = response.getHeaders().get("Link");
            if (link == null) {
                return null;
            }
            Matcher matcher = NEXT.matcher(link);
            assertTrue(matcher.matches(), link);
            var uri = java.net.URI.create(matcher.group(1));
            var next = request("GET", uri.getPath());
            for (String pair : uri.getRawQuery().split("&")) {
                String[] parts = pair.split("=", 2);
                next.query(parts[0], java.net.URLDecoder.decode(parts[1], java.nio.charset.StandardCharsets.UTF_8));
            }
            return next;
        }
    }

    @Nested
    class UpdateUser {
        @Test
        void changesOnlyTheGivenFieldsAndBumpsTheVersion() {
            String id = fixture.createUser("{\"name\":\"Ed\",\"email\":\"ed@example.com\",\"age\":40}");
            fixture.clock.advance(Duration.ofSeconds(3));
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + id).json("{\"name\":\"Eddie\"}"));
            assertEquals(200, response.getStatusCode());
            assertEquals("\"2\"", response.getHeaders().get("ETag"));
            JsonNode user = Json.parse(response.getBody());
            assertEquals("Eddie", user.get("name").asText());
            assertEquals("ed@example.com", user.get("email").asText());
            assertEquals(40, user.get("age").asInt());
            assertEquals(user.get("createdAt").asLong() + 3000, user.get("updatedAt").asLong());
        }

        @Test
        void setsAgeZeroAsAValue() {
            String id = fixture.createUser("{\"name\":\"Fa\",\"email\":\"fa@example.com\",\"age\":7}");
            fixture.send(request("PATCH", "/users/" + id).json("{\"age\":0}"));
            assertEquals(0, Json.parse(fixture.send(request("GET", "/users/" + id)).getBody()).get("age").asInt());
        }

        @Test
        void removesAgeOnNullAsAMergePatchDoes() {
            String id = fixture.createUser("{\"name\":\"Gi\",\"email\":\"gi@example.com\",\"age\":7}");
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + id)
                    .header("Content-Type", "application/merge-patch+json").body("{\"age\":null}"));
            assertEquals(200, response.getStatusCode());
            assertFalse(Json.parse(response.getBody()).has("age"));
        }

        @Test
        void appliesWithTheCurrentEtag() {
            String id = fixture.createUser("{\"name\":\"Ha\",\"email\":\"ha@example.com\"}");
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + id)
                    .header("If-Match", "\"1\"").json("{\"name\":\"Hal\"}"));
            assertEquals(200, response.getStatusCode());
            assertEquals("\"2\"", response.getHeaders().get("ETag"));
        }

        @Test
        void refusesAStaleEtagWith412AndKeepsTheNewerWrite() {
            String id = fixture.createUser("{\"name\":\"Io\",\"email\":\"io@example.com\"}");
            fixture.send(request("PATCH", "/users/" + id).header("If-Match", "\"1\"").json("{\"name\":\"first\"}"));
            APIGatewayV2HTTPResponse stale = fixture.send(request("PATCH", "/users/" + id)
                    .header("If-Match", "\"1\"").json("{\"name\":\"second\"}"));
            assertEquals(412, stale.getStatusCode());
            assertEquals("\"2\"", stale.getHeaders().get("ETag"));
            assertEquals("application/problem+json", stale.getHeaders().get("Content-Type"));
            assertEquals("first", Json.parse(fixture.send(request("GET", "/users/" + id)).getBody()).get("name").asText());
        }

        @Test
        void refusesAWeakEtagBecauseIfMatchComparesStrongly() {
            String id = fixture.createUser("{\"name\":\"Jo\",\"email\":\"jo@example.com\"}");
            assertEquals(412, fixture.send(request("PATCH", "/users/" + id)
                    .header("If-Match", "W/\"1\"").json("{\"name\":\"x\"}")).getStatusCode());
        }

        @Test
        void answers404ForAMissingUserAndCreatesNothing() {
            String missing = new UserIds(new java.security.SecureRandom()).newId(fixture.clock.millis());
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + missing).json("{\"name\":\"ghost\"}"));
            assertEquals(404, response.getStatusCode());
            assertEquals(0, fixture.storedItems(), "an update never upserts");
        }

        @Test
        void movesTheUserInTheEmailIndex() {
            String id = fixture.createUser("{\"name\":\"Ka\",\"email\":\"old@example.com\"}");
            fixture.send(request("PATCH", "/users/" + id).json("{\"email\":\"new@example.com\"}"));
            assertEquals("[]", fixture.send(request("GET", "/users").query("email", "old@example.com")).getBody());
            JsonNode found = Json.parse(fixture.send(request("GET", "/users").query("email", "new@example.com")).getBody());
            assertEquals(id, found.get(0).get("id").asText());
        }
    }

    @Nested
    class DeleteUser {
        @Test
        void answers204AndTheUserIsGone() {
            String id = fixture.createUser("{\"name\":\"La\",\"email\":\"la@example.com\"}");
            APIGatewayV2HTTPResponse response = fixture.send(request("DELETE", "/users/" + id));
            assertEquals(204, response.getStatusCode());
            assertNull(response.getBody());
            assertEquals(404, fixture.send(request("GET", "/users/" + id)).getStatusCode());
            assertEquals(0, fixture.storedItems());
        }

        @Test
        void answers404ForAMissingUser() {
            String id = fixture.createUser("{\"name\":\"Mo\",\"email\":\"mo@example.com\"}");
            fixture.send(request("DELETE", "/users/" + id));
            assertEquals(404, fixture.send(request("DELETE", "/users/" + id)).getStatusCode());
        }

        @Test
        void refusesAStaleEtagAndKeepsTheUser() {
            String id = fixture.createUser("{\"name\":\"Ne\",\"email\":\"ne@example.com\"}");
            fixture.send(request("PATCH", "/users/" + id).json("{\"age\":5}"));
            assertEquals(412, fixture.send(request("DELETE", "/users/" + id).header("If-Match", "\"1\"")).getStatusCode());
            assertEquals(204, fixture.send(request("DELETE", "/users/" + id).header("If-Match", "\"2\"")).getStatusCode());
        }
    }

    @Nested
    class SampleCompatibilityRoutes {
        @Test
        void createAnswers200WithTheWholeUser() {
            APIGatewayV2HTTPResponse response = fixture.send(request("POST", "/users/create")
                    .json("{\"name\":\"Old\",\"email\":\"old@example.com\",\"age\":50}"));
            assertEquals(200, response.getStatusCode());
            JsonNode user = Json.parse(response.getBody());
            assertEquals("Old", user.get("name").asText());
            assertTrue(user.has("id") && user.has("createdAt") && user.has("deleteAt"));
            assertEquals(1, fixture.storedItems());
        }

        @Test
        void updateTakesTheKeyFromTheBodyAndAnswersMessageAndAttributes() {
            JsonNode user = Json.parse(fixture.send(request("POST", "/users/create")
                    .json("{\"name\":\"Pa\",\"email\":\"pa@example.com\"}")).getBody());
            String id = user.get("id").asText();
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + id + "/update")
                    .json("{\"id\":\"" + id + "\",\"createdAt\":" + user.get("createdAt").asLong() + ",\"age\":0}"));
            assertEquals(200, response.getStatusCode());
            JsonNode answer = Json.parse(response.getBody());
            assertEquals("User updated", answer.get("message").asText());
            assertEquals(0, answer.get("updateAttributes").get("age").asInt());
        }

        @Test
        void updateRefusesABodyIdOtherThanThePathId() {
            String id = fixture.createUser("{\"name\":\"Qu\",\"email\":\"qu@example.com\"}");
            String other = fixture.createUser("{\"name\":\"Ra\",\"email\":\"ra@example.com\"}");
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/" + id + "/update")
                    .json("{\"id\":\"" + other + "\",\"createdAt\":1,\"name\":\"x\"}"));
            assertEquals(400, response.getStatusCode());
            assertEquals("/id", Json.parse(response.getBody()).get("errors").get(0).get("pointer").asText());
        }

        @Test
        void updateOfAMissingUserAnswers404InsteadOfUpserting() {
            APIGatewayV2HTTPResponse response = fixture.send(request("PATCH", "/users/nobody/update")
                    .json("{\"id\":\"nobody\",\"createdAt\":1,\"name\":\"x\"}"));
            assertEquals(404, response.getStatusCode());
            assertEquals(0, fixture.storedItems());
        }

        @Test
        void deleteAnswers200WithAMessage() {
            JsonNode user = Json.parse(fixture.send(request("POST", "/users/create")
                    .json("{\"name\":\"Sa\",\"email\":\"sa@example.com\"}")).getBody());
            String id = user.get("id").asText();
            APIGatewayV2HTTPResponse response = fixture.send(request("POST", "/users/" + id + "/delete")
                    .json("{\"id\":\"" + id + "\",\"createdAt\":" + user.get("createdAt").asLong() + "}"));
            assertEquals(200, response.getStatusCode());
            assertEquals("User deleted", Json.parse(response.getBody()).get("message").asText());
            assertEquals(0, fixture.storedItems());
        }

        @Test
        void deleteOfAMissingUserAnswers404() {
            assertEquals(404, fixture.send(request("POST", "/users/nobody/delete")
                    .json("{\"id\":\"nobody\",\"createdAt\":1}")).getStatusCode());
        }
    }

    @Test
    void reachesEveryRouteThroughTheCatchAllRouteToo() {
        String id = fixture.createUser("{\"name\":\"Ta\",\"email\":\"ta@example.com\"}");
        var event = dev.usersapi.testing.ApiRequests.request("GET", "/users/" + id).event();
        event.setRouteKey("$default");
        event.setPathParameters(null);
        APIGatewayV2HTTPResponse response = fixture.api.handle(event);
        assertEquals(200, response.getStatusCode());
        assertNotEquals("", response.getBody());
    }
}
