import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { known } from "./known";

export const METRIC_ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const TOPIC_TYPE = "aws:sns/topic:Topic";

export function awsManagedTopicKey(topic: string): string {
    return `SNS topic ${topic} is notified by CloudWatch alarms but encrypted with the AWS-managed key alias/aws/sns, whose key policy `
        + "cannot allow cloudwatch.amazonaws.com: the alarm actions fail (AWS Knowledge Center, \"How do I configure a CloudWatch alarm "
        + "with an encrypted Amazon SNS topic?\", https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns). Encrypt it with a "
        + "customer-managed key whose policy grants cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*.";
}

// A value a preview cannot know (known() gives undefined) is computed from a resource being
// created (an ARN): never the literal alias this rule looks for, and never an ARN it could match,
// so the rule decides without it.
const ACTION_PROPERTIES = ["alarmActions", "okActions", "insufficientDataActions"];

/** The AWS-managed SNS key, by alias or by its alias ARN. */
function isAwsManagedSnsKey(key: unknown): boolean {
    return typeof key === "string" && /(^|:)alias\/aws\/sns$/.test(key);
}

/**
 * The topics an alarm notifies: those its action properties depend on (what the engine sends in a
 * real preview or update, where a new topic's ARN is still unknown), and those whose ARN it names.
 */
function notifiedTopics(alarm: PolicyResource, topics: PolicyResource[]): PolicyResource[] {
    const found = new Set<PolicyResource>();
    for (const property of ACTION_PROPERTIES) {
        for (const dependency of alarm.propertyDependencies?.[property] ?? []) {
            if (dependency.type === TOPIC_TYPE) {
                found.add(dependency);
            }
        }
        const actions = known(() => alarm.props[property]);
        const arns: unknown[] = Array.isArray(actions) ? actions.map((_: unknown, i: number) => known(() => actions[i])) : [];
        for (const topic of topics) {
            const arn = known(() => topic.props.arn);
            if (typeof arn === "string" && arns.includes(arn)) {
                found.add(topic);
            }
        }
    }
    return [...found];
}

export const alarmTopicCustomerKey: StackValidationPolicy = {
    name: "sns-alarm-topic-customer-managed-key",
    description: "An SNS topic that CloudWatch alarms notify is not encrypted with alias/aws/sns, which CloudWatch cannot use.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const topics = args.resources.filter((resource) => resource.type === TOPIC_TYPE);
        const reported = new Set<string>();
        for (const alarm of args.resources.filter((resource) => resource.type === METRIC_ALARM_TYPE)) {
            for (const topic of notifiedTopics(alarm, topics)) {
                if (isAwsManagedSnsKey(known(() => topic.props.kmsMasterKeyId)) && !reported.has(topic.urn)) {
                    reported.add(topic.urn);
                    reportViolation(awsManagedTopicKey(topic.name), topic.urn);
                }
            }
        }
    },
};
