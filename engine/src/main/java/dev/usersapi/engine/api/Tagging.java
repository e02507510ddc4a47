package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A table's tags as DynamoDB limits them (API reference, Tag: a key of 1 to 128 characters, a
 * value of 0 to 256; developer guide, "Tagging restrictions": letters, white space, numbers and
 * {@code + - = . _ : /}, at most 50 tags a resource, the {@code aws:} prefix reserved to AWS),
 * and the ARN checks TagResource, UntagResource and ListTagsOfResource make before they look
 * for the table.
 */
final class Tagging {
    static final int MAX_TAGS = 50;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern ANY_ARN = Pattern.compile("^.+:.+:.+:.+:.+:.+/.+$");
    private static final Pattern TABLE_ARN = Pattern.compile("^arn:aws:dynamodb:.+:\\d+:table/[^/]{2}[^/]+$");

    private Tagging() {}

    /** The tags a request gives in {@code member}, in order, each checked; a repeated key keeps its last value. */
    static Map<String, String> read(JsonNode tags) {
        Map<String, String> read = new LinkedHashMap<>();
        int position = 0;
        for (JsonNode tag : tags) {
            position++;
            String at = "tags." + position + ".member.";
            String key = member(tag, "Key", at + "key");
            String value = member(tag, "Value", at + "value");
            int keyLength = key.codePointCount(0, key.length());
            if (keyLength < 1) {
                throw constraint(key, at + "key", "Member must have length greater than or equal to 1");
            }
            if (keyLength > 128) {
                throw constraint(key, at + "key", "Member must have length less than or equal to 128");
            }
            if (value.codePointCount(0, value.length()) > 256) {
                throw constraint(value, at + "value", "Member must have length less than or equal to 256");
            }
            if (!ALLOWED.matcher(key).matches() || !ALLOWED.matcher(value).matches()) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Tag contains characters that are not allowed: "
                        + "letters, white space, numbers and + - = . _ : / @ are");
            }
            if (key.regionMatches(true, 0, "aws:", 0, 4)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: The prefix aws: is reserved for AWS-assigned tags: " + key);
            }
            read.put(key, value);
        }
        return read;
    }

    /** The 50-tag limit, on what a table would have after the change. */
    static void checkCount(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new DynamoDbException("LimitExceededException", "The number of tags on a table cannot exceed " + MAX_TAGS
                    + "; the request would leave " + tags.size(), 400);
        }
    }

    private static String member(JsonNode tag, String name, String at) {
        JsonNode value = tag.get(name);
        if (value == null || value.isNull()) {
            throw DynamoDbException.validation("1 validation error detected: Value null at '" + at + "' failed to satisfy constraint: Member must not be null");
        }
        return value.asText();
    }

    private static DynamoDbException constraint(String value, String at, String rule) {
        return DynamoDbException.validation("1 validation error detected: Value '" + value + "' at '" + at + "' failed to satisfy constraint: " + rule);
    }

    /**
     * The table name a tagging call's ResourceArn names, after DynamoDB's checks in its order: no
     * ARN, an ARN of no resource (AccessDeniedException, as IAM refuses it), then what the
     * operation requires of the rest of the request, then an ARN that is no table's.
     */
    static String tableOf(JsonNode request, String operation, Runnable requiredMembers, Runnable nonEmpty) {
        JsonNode given = request.get("ResourceArn");
        if (given == null || given.isNull()) {
            throw DynamoDbException.validation("Invalid TableArn");
        }
        String arn = given.asText();
        if (!ANY_ARN.matcher(arn).matches()) {
            throw new DynamoDbException("AccessDeniedException", "User: arn:aws:iam::" + TableOperations.ACCOUNT + ":user/engine is not authorized to perform: dynamodb:"
                    + operation + " on resource: " + (arn.isEmpty() ? "*" : arn), 400);
        }
        requiredMembers.run();
        if (!TABLE_ARN.matcher(arn).matches()) {
            throw DynamoDbException.validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
        }
        nonEmpty.run();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
