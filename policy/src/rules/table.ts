import { ResourceValidationPolicy } from "@pulumi/policy";

export const TABLE_TYPE = "aws:dynamodb/table:Table";

// The Java program refuses a stack file that breaks these rules with the very same words
// (stacks/src/main/java/dev/usersapi/stacks/PolicyMessages.java); a test keeps them equal.
export const POINT_IN_TIME_RECOVERY =
    "DynamoDB tables must have point-in-time recovery enabled: set pointInTimeRecovery: true in the table declaration.";
export const ENCRYPTION =
    "DynamoDB tables must enable server-side encryption explicitly: set encryption.enabled: true in the table declaration.";
export const PAY_PER_REQUEST =
    "DynamoDB tables must use PAY_PER_REQUEST billing with no read or write capacity: set billingMode: PAY_PER_REQUEST.";
export const CUSTOMER_MANAGED_KEY =
    "DynamoDB tables must be encrypted with a customer-managed KMS key in this environment: set encryption.customerManagedKey: true (or encryption.kmsKeyArn) in the table declaration.";
export const DELETION_PROTECTION =
    "DynamoDB tables must have deletion protection enabled in this environment: set deletionProtection: true in the table declaration.";
export const PULUMI_PROTECT =
    "DynamoDB tables must carry Pulumi's protect option in this environment: set users-api:protectData: true in the stack file.";

export const pointInTimeRecovery: ResourceValidationPolicy = {
    name: "dynamodb-point-in-time-recovery",
    description: "DynamoDB tables have point-in-time recovery enabled (absent counts as disabled).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type === TABLE_TYPE && args.props.pointInTimeRecovery?.enabled !== true) {
            reportViolation(POINT_IN_TIME_RECOVERY);
        }
    },
};

export interface EncryptionConfig {
    requireCustomerManagedKey: boolean;
}

export const encryption: ResourceValidationPolicy = {
    name: "dynamodb-encryption",
    description: "DynamoDB tables enable server-side encryption explicitly, with a customer-managed KMS key where the environment requires one.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireCustomerManagedKey: { type: "boolean", default: false },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TABLE_TYPE) {
            return;
        }
        const sse = args.props.serverSideEncryption;
        if (sse?.enabled !== true) {
            reportViolation(ENCRYPTION);
            return;
        }
        if (args.getConfig<EncryptionConfig>().requireCustomerManagedKey && !sse.kmsKeyArn) {
            reportViolation(CUSTOMER_MANAGED_KEY);
        }
    },
};

export const payPerRequest: ResourceValidationPolicy = {
    name: "dynamodb-pay-per-request",
    description: "DynamoDB tables bill PAY_PER_REQUEST (absent means PROVISIONED) and set no read or write capacity.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== TABLE_TYPE) {
            return;
        }
        const indexes: Record<string, any>[] = args.props.globalSecondaryIndexes ?? [];
        const capacity = [args.props, ...indexes].some(
            (declared) => declared.readCapacity !== undefined || declared.writeCapacity !== undefined);
        if (args.props.billingMode !== "PAY_PER_REQUEST" || capacity) {
            reportViolation(PAY_PER_REQUEST);
        }
    },
};

export interface DeletionProtectionConfig {
    requirePulumiProtect: boolean;
}

export const deletionProtection: ResourceValidationPolicy = {
    name: "dynamodb-deletion-protection",
    description: "DynamoDB tables have deletion protection, and where required Pulumi's protect option.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requirePulumiProtect: { type: "boolean", default: false },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TABLE_TYPE) {
            return;
        }
        if (args.props.deletionProtectionEnabled !== true) {
            reportViolation(DELETION_PROTECTION);
        }
        if (args.getConfig<DeletionProtectionConfig>().requirePulumiProtect && args.opts?.protect !== true) {
            reportViolation(PULUMI_PROTECT);
        }
    },
};
