package dev.usersapi.engine.conformance;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The scenarios of {@code conformance/cases.txt}, each request held to dynalite's answer. */
class HandPickedConformanceTest {
    private static final String HASH_TABLE = "CreateTable {\"TableName\":\"$T\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
            + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
    private static final String RANGE_TABLE = "CreateTable {\"TableName\":\"$T\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
            + "{\"AttributeName\":\"createdAt\",\"AttributeType\":\"N\"},{\"AttributeName\":\"email\",\"AttributeType\":\"S\"}],"
            + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"createdAt\",\"KeyType\":\"RANGE\"}],"
            + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"email-index\",\"KeySchema\":[{\"AttributeName\":\"email\",\"KeyType\":\"HASH\"},"
            + "{\"AttributeName\":\"createdAt\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}],\"BillingMode\":\"PAY_PER_REQUEST\"}";

    private static Dynalite dynalite;
    private static Conformance conformance;

    @BeforeAll
    static void start() throws Exception {
        dynalite = Dynalite.start();
        conformance = new Conformance(new DynamoDbEngine(Clock.systemUTC()), dynalite);
    }

    @AfterAll
    static void stop() {
        dynalite.close();
        System.out.println("conformance: " + Conformance.REQUESTS.get() + " requests compared with dynalite so far, "
                + Conformance.EXPLAINED.get() + " of them known differences where the engine follows DynamoDB");
    }

    private record Scenario(String name, List<String> requests) {}

    @TestFactory
    Stream<DynamicTest> everyScenarioAnswersAsDynaliteDoes() throws Exception {
        List<Scenario> scenarios = new ArrayList<>();
        try (InputStream in = HandPickedConformanceTest.class.getResourceAsStream("/conformance/cases.txt")) {
            String name = null;
            List<String> requests = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("## ")) {
                    if (name != null) {
                        scenarios.add(new Scenario(name, requests));
                    }
                    name = line.substring(3).trim();
                    requests = new ArrayList<>();
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    requests.add(line.equals("@hash") ? HASH_TABLE : line.equals("@range") ? RANGE_TABLE : line);
                }
            }
            scenarios.add(new Scenario(name, requests));
        }
        return scenarios.stream().map(scenario -> DynamicTest.dynamicTest(scenario.name(), () -> {
            String table = "t" + Integer.toHexString(scenario.name().hashCode()) + "_" + System.nanoTime() % 100_000;
            for (String request : scenario.requests()) {
                int space = request.indexOf(' ');
                String body = request.substring(space + 1).replace("$T", table);
                // "@2049" in a case stands for a string of 2,049 characters: key size limits without pages of x's.
                java.util.regex.Matcher sized = java.util.regex.Pattern.compile("\"@(\\d+)\"").matcher(body);
                body = sized.replaceAll(match -> "\"" + "k".repeat(Integer.parseInt(match.group(1))) + "\"");
                conformance.same(request.substring(0, space), body);
            }
        }));
    }
}
