import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import * as alarms from "../src/rules/alarms";

const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:users-alarms-topic";

function resource(type: string, name: string, props: Record<string, any>, propertyDependencies: Record<string, PolicyResource[]> = {}): PolicyResource {
    return { type, name, urn: `urn:pulumi:prod::users-api::${type}::${name}`, props, opts: {} as any, dependencies: [], propertyDependencies,
        isType: () => false, asType: () => undefined } as unknown as PolicyResource;
}

function violations(resources: PolicyResource[]): string[] {
    const found: string[] = [];
    const args = { resources, getConfig: () => ({}) } as unknown as StackValidationArgs;
    alarms.alarmTopicCustomerKey.validateStack(args, (message: string) => found.push(message));
    return found;
}

describe("sns-alarm-topic-customer-managed-key", () => {
    for (const key of ["alias/aws/sns", "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns"]) {
        it(`rejects ${key} on a topic an alarm notifies, found by its property dependencies (a new topic: ARN unknown)`, () => {
            const topic = resource(alarms.TOPIC_TYPE, "alarms", { kmsMasterKeyId: key });
            const alarm = resource(alarms.METRIC_ALARM_TYPE, "api-5xx", { alarmActions: ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"] },
                { alarmActions: [topic] });
            assert.deepEqual(violations([topic, alarm]), [alarms.awsManagedTopicKey("alarms")]);
        });
    }
    it("rejects it on a topic an alarm names by ARN (an existing topic), once however many alarms notify it", () => {
        const topic = resource(alarms.TOPIC_TYPE, "alarms", { kmsMasterKeyId: "alias/aws/sns", arn: TOPIC_ARN });
        const first = resource(alarms.METRIC_ALARM_TYPE, "a", { okActions: [TOPIC_ARN] });
        const second = resource(alarms.METRIC_ALARM_TYPE, "b", { alarmActions: [TOPIC_ARN] });
        assert.deepEqual(violations([topic, first, second]), [alarms.awsManagedTopicKey("alarms")]);
    });
    it("passes a customer-managed key, and alias/aws/sns on a topic no alarm notifies", () => {
        const customer = resource(alarms.TOPIC_TYPE, "alarms", { kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k", arn: TOPIC_ARN });
        const other = resource(alarms.TOPIC_TYPE, "events", { kmsMasterKeyId: "alias/aws/sns", arn: TOPIC_ARN + "-events" });
        const alarm = resource(alarms.METRIC_ALARM_TYPE, "a", { alarmActions: [TOPIC_ARN] }, { alarmActions: [customer] });
        assert.deepEqual(violations([customer, other, alarm]), []);
    });
    it("cites the AWS rule it enforces", () => {
        assert.match(alarms.awsManagedTopicKey("t"), /repost\.aws\/knowledge-center\/cloudwatch-configure-alarm-sns/);
    });
});
