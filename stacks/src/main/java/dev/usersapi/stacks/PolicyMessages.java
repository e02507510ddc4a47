package dev.usersapi.stacks;

/**
 * The violation messages of the policy pack's mandatory table rules (policy/src/rules/table.ts)
 * and of its retention rule (policy/src/rules/retention.ts), word for word, so a stack refused
 * here and one refused by the pack read the same. A test compares the files.
 */
public final class PolicyMessages {
    public static final String POINT_IN_TIME_RECOVERY =
            "DynamoDB tables must have point-in-time recovery enabled: set pointInTimeRecovery: true in the table declaration.";
    public static final String ENCRYPTION =
            "DynamoDB tables must enable server-side encryption explicitly: set encryption.enabled: true in the table declaration.";
    public static final String PAY_PER_REQUEST =
            "DynamoDB tables must use PAY_PER_REQUEST billing with no read or write capacity: set billingMode: PAY_PER_REQUEST.";
    public static final String USERS_KEPT =
            "Users must be kept in this environment: set retention: \"off\" in users-api:table (a retention makes DynamoDB's time to live delete every user that long after its creation, for good).";

    private PolicyMessages() {}
}
