import { ResourceValidationPolicy } from "@pulumi/policy";

export const FUNCTION_TYPE = "aws:lambda/function:Function";
/** The variable the program hands the users table's retention to the handlers in (handlers' UsersTableSettings). */
export const RETENTION_VARIABLE = "USERS_RETENTION";

// The Java program refuses a stack file that breaks this rule with the very same words
// (stacks/src/main/java/dev/usersapi/stacks/PolicyMessages.java); a test keeps them equal.
export const USERS_KEPT =
    "Users must be kept in this environment: set retention: \"off\" in users-api:table (a retention makes DynamoDB's time to live delete every user that long after its creation, for good).";

/**
 * A retention on the users table deletes every user some time after it was created: the create
 * sets `deleteAt`, reads treat the user as gone after it, and DynamoDB's time to live deletes it.
 * That suits a demo, never an environment whose users are real. The program hands the retention
 * to the functions as USERS_RETENTION (an ISO-8601 duration, or "off"), so that is where it shows.
 */
export const usersKept: ResourceValidationPolicy = {
    name: "users-retention-off",
    description: "The functions delete no user after a retention: users-api:table.retention is \"off\".",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== FUNCTION_TYPE) {
            return;
        }
        const retention = args.props.environment?.variables?.[RETENTION_VARIABLE];
        if (retention !== undefined && retention !== "off") {
            reportViolation(USERS_KEPT);
        }
    },
};
