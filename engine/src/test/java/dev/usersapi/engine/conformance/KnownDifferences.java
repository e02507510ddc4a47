package dev.usersapi.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Where dynalite answers otherwise than DynamoDB and the engine follows DynamoDB; each is
 * listed, with what decides it, in engine/README.md. A difference is explained only when both
 * sides match its exact shape: anything else still fails the comparison.
 */
enum KnownDifferences {
    /**
     * dynalite words syntax errors in its own parser's terms ("Expected ... but ... found.");
     * DynamoDB names the offending token and what is near it ("Syntax error; token: ..., near: ...").
     * Both refuse with a ValidationException naming the same expression parameter.
     */
    SYNTAX_ERRORS(Pattern.compile("Invalid (\\w+): Syntax error; Expected .* found\\."),
            Pattern.compile("Invalid (\\w+): Syntax error; token: \".*\", near: \".*\""));

    private final Pattern theirs;
    private final Pattern ours;

    KnownDifferences(Pattern theirs, Pattern ours) {
        this.theirs = theirs;
        this.ours = ours;
    }

    boolean explains(JsonNode dynalite, JsonNode engine) {
        var their = theirs.matcher(dynalite.path("message").asText());
        var our = ours.matcher(engine.path("message").asText());
        return dynalite.path("__type").equals(engine.path("__type")) && their.matches() && our.matches()
                && their.group(1).equals(our.group(1));
    }
}
