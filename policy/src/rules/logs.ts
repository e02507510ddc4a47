import { ResourceValidationPolicy } from "@pulumi/policy";

export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export const LOG_RETENTION =
    "CloudWatch log groups must set a retention: set retentionInDays (users-api:functions.logRetentionDays and users-api:api.accessLogRetentionDays in the stack file).";

export interface LogRetentionConfig {
    maximumDays: number;
}

export function retentionTooLong(days: number, maximum: number): string {
    return `CloudWatch log groups in this environment keep logs at most ${maximum} days; this one keeps them ${days}. Lower retentionInDays.`;
}

export const logRetention: ResourceValidationPolicy = {
    name: "cloudwatch-log-retention",
    description: "Every CloudWatch log group has a retention, within the environment's maximum.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maximumDays: { type: "integer", default: 3653 },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE) {
            return;
        }
        const days = args.props.retentionInDays;
        if (typeof days !== "number" || days <= 0) {
            reportViolation(LOG_RETENTION);
            return;
        }
        const maximum = args.getConfig<LogRetentionConfig>().maximumDays;
        if (days > maximum) {
            reportViolation(retentionTooLong(days, maximum));
        }
    },
};
