import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as table from "../src/rules/table";
import { evaluate, resource } from "./engine";

const compliant = {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "id",
    rangeKey: "createdAt",
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: true,
};

function messages(props: Record<string, any>, config = {}, protect = false, policy?: string): string[] {
    return evaluate([resource(table.TABLE_TYPE, "users", props, protect)], { all: "mandatory", ...config })
        .filter((violation) => !policy || violation.policy === policy)
        .map((violation) => violation.message);
}

describe("dynamodb-point-in-time-recovery", () => {
    it("passes a table with point-in-time recovery", () => {
        assert.deepEqual(messages(compliant, {}, false, "dynamodb-point-in-time-recovery"), []);
    });
    it("reports a table with point-in-time recovery disabled", () => {
        assert.deepEqual(messages({ ...compliant, pointInTimeRecovery: { enabled: false } }, {}, false, "dynamodb-point-in-time-recovery"),
            [table.POINT_IN_TIME_RECOVERY]);
    });
    it("reports a table that does not mention it, since absent means disabled", () => {
        const { pointInTimeRecovery, ...absent } = compliant;
        assert.deepEqual(messages(absent, {}, false, "dynamodb-point-in-time-recovery"), [table.POINT_IN_TIME_RECOVERY]);
    });
});

describe("dynamodb-encryption", () => {
    it("passes a table encrypted with the AWS-managed key", () => {
        assert.deepEqual(messages(compliant, {}, false, "dynamodb-encryption"), []);
    });
    it("reports a table without explicit encryption", () => {
        const { serverSideEncryption, ...absent } = compliant;
        assert.deepEqual(messages(absent, {}, false, "dynamodb-encryption"), [table.ENCRYPTION]);
        assert.deepEqual(messages({ ...compliant, serverSideEncryption: { enabled: false } }, {}, false, "dynamodb-encryption"),
            [table.ENCRYPTION]);
    });
    it("requires a customer-managed key where the config says so", () => {
        const config = { "dynamodb-encryption": { requireCustomerManagedKey: true } };
        assert.deepEqual(messages(compliant, config, false, "dynamodb-encryption"), [table.CUSTOMER_MANAGED_KEY]);
        const withKey = { ...compliant, serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" } };
        assert.deepEqual(messages(withKey, config, false, "dynamodb-encryption"), []);
    });
});

describe("dynamodb-pay-per-request", () => {
    it("passes an on-demand table", () => {
        assert.deepEqual(messages(compliant, {}, false, "dynamodb-pay-per-request"), []);
    });
    it("reports provisioned billing, and a table that names no billing mode (PROVISIONED by default)", () => {
        assert.deepEqual(messages({ ...compliant, billingMode: "PROVISIONED", readCapacity: 30, writeCapacity: 30 }, {}, false,
            "dynamodb-pay-per-request"), [table.PAY_PER_REQUEST]);
        const { billingMode, ...absent } = compliant;
        assert.deepEqual(messages(absent, {}, false, "dynamodb-pay-per-request"), [table.PAY_PER_REQUEST]);
    });
    it("reports capacity set on the table or on an index", () => {
        assert.deepEqual(messages({ ...compliant, readCapacity: 5 }, {}, false, "dynamodb-pay-per-request"), [table.PAY_PER_REQUEST]);
        assert.deepEqual(messages({ ...compliant, globalSecondaryIndexes: [{ name: "g", writeCapacity: 5 }] }, {}, false,
            "dynamodb-pay-per-request"), [table.PAY_PER_REQUEST]);
    });
});

describe("dynamodb-deletion-protection", () => {
    it("passes a protected table", () => {
        assert.deepEqual(messages(compliant, {}, false, "dynamodb-deletion-protection"), []);
    });
    it("reports a table without deletion protection", () => {
        assert.deepEqual(messages({ ...compliant, deletionProtectionEnabled: false }, {}, false, "dynamodb-deletion-protection"),
            [table.DELETION_PROTECTION]);
    });
    it("requires Pulumi's protect option where the config says so", () => {
        const config = { "dynamodb-deletion-protection": { requirePulumiProtect: true } };
        assert.deepEqual(messages(compliant, config, false, "dynamodb-deletion-protection"), [table.PULUMI_PROTECT]);
        assert.deepEqual(messages(compliant, config, true, "dynamodb-deletion-protection"), []);
    });
    it("is skipped where the environment disables it", () => {
        assert.deepEqual(messages({ ...compliant, deletionProtectionEnabled: false }, { "dynamodb-deletion-protection": "disabled" }), []);
    });
});
