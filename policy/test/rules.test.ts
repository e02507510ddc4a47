import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as api from "../src/rules/api";
import * as iam from "../src/rules/iam";
import * as logs from "../src/rules/logs";
import * as retention from "../src/rules/retention";
import * as streams from "../src/rules/streams";
import { evaluate, levelOf, loadPackConfig, resource } from "./engine";

function messages(type: string, props: Record<string, any>, policy: string, config = {}): string[] {
    return evaluate([resource(type, "r", props)], { all: "mandatory", ...config })
        .filter((violation) => violation.policy === policy)
        .map((violation) => violation.message);
}

const STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-01-01T00:00:00.000";

describe("lambda-stream-failure-handling", () => {
    const compliant = {
        eventSourceArn: STREAM,
        startingPosition: "TRIM_HORIZON",
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:eu-west-1:123456789012:failures" } },
    };
    const policy = "lambda-stream-failure-handling";
    it("passes a mapping with both", () => {
        assert.deepEqual(messages(streams.EVENT_SOURCE_MAPPING_TYPE, compliant, policy), []);
    });
    it("reports a mapping without an on-failure destination", () => {
        const { destinationConfig, ...missing } = compliant;
        assert.deepEqual(messages(streams.EVENT_SOURCE_MAPPING_TYPE, missing, policy), [streams.ON_FAILURE_DESTINATION]);
    });
    it("reports a mapping that does not report batch item failures", () => {
        assert.deepEqual(messages(streams.EVENT_SOURCE_MAPPING_TYPE, { ...compliant, functionResponseTypes: [] }, policy),
            [streams.REPORT_BATCH_ITEM_FAILURES]);
    });
    it("leaves queue mappings alone", () => {
        assert.deepEqual(messages(streams.EVENT_SOURCE_MAPPING_TYPE, { eventSourceArn: "arn:aws:sqs:eu-west-1:1:q" }, policy), []);
    });
});

describe("iam-no-wildcards", () => {
    const policy = "iam-no-wildcards";
    const document = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
    it("passes exact actions on exact resources, and scoped ARN patterns", () => {
        assert.deepEqual(messages(iam.ROLE_POLICY_TYPE, { policy: document({ Effect: "Allow", Action: ["dynamodb:GetItem"],
            Resource: ["arn:aws:dynamodb:eu-west-1:1:table/users", "arn:aws:logs:eu-west-1:1:log-group:g:*"] }) }, policy), []);
    });
    it("reports a wildcard action", () => {
        assert.deepEqual(messages(iam.ROLE_POLICY_TYPE, { policy: document({ Effect: "Allow", Action: "dynamodb:*",
            Resource: "arn:aws:dynamodb:eu-west-1:1:table/users" }) }, policy), [iam.wildcardAction("dynamodb:*")]);
    });
    it("reports a * resource", () => {
        assert.deepEqual(messages(iam.POLICY_TYPE, { policy: document({ Effect: "Allow", Action: ["dynamodb:Scan"], Resource: "*" }) }, policy),
            [iam.wildcardResource("dynamodb:Scan")]);
    });
    it("reports NotAction and inline role policies too", () => {
        assert.deepEqual(messages(iam.ROLE_TYPE, { inlinePolicies: [{ name: "p", policy: document({ Effect: "Allow",
            NotAction: "iam:*", Resource: "arn:aws:s3:::b" }) }] }, policy), [iam.NEGATED_STATEMENT]);
    });
    it("ignores Deny statements", () => {
        assert.deepEqual(messages(iam.ROLE_POLICY_TYPE, { policy: document({ Effect: "Deny", Action: "*", Resource: "*" }) }, policy), []);
    });
});

describe("apigateway-routes-require-authorizer", () => {
    const policy = "apigateway-routes-require-authorizer";
    it("passes a JWT route that lists its scopes", () => {
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "GET /users", authorizationType: "JWT", authorizerId: "a",
            authorizationScopes: ["users/admin"] }, policy), []);
    });
    it("reports an open route, by its route key", () => {
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "GET /users", authorizationType: "NONE" }, policy),
            [api.unauthorizedRoute("GET /users")]);
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "$default" }, policy), [api.unauthorizedRoute("$default")]);
    });
    it("reports a JWT route without scopes, which admits ID tokens too", () => {
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "GET /users", authorizationType: "JWT", authorizerId: "a" }, policy),
            [api.routeWithoutScopes("GET /users")]);
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "GET /users", authorizationType: "JWT", authorizerId: "a",
            authorizationScopes: [] }, policy), [api.routeWithoutScopes("GET /users")]);
    });
    it("lets exactly OPTIONS /{proxy+} go unauthorized, for apigateway-preflight-route-needs-cors to hold to its API's CORS", () => {
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "OPTIONS /{proxy+}", authorizationType: "NONE" }, policy), []);
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "OPTIONS /{proxy+}" }, policy), []);
        for (const routeKey of ["OPTIONS /users", "ANY /{proxy+}", "GET /{proxy+}", "OPTIONS /{proxy}"]) {
            assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey, authorizationType: "NONE" }, policy), [api.unauthorizedRoute(routeKey)]);
        }
    });
    it("leaves IAM-authorized routes alone", () => {
        assert.deepEqual(messages(api.ROUTE_TYPE, { routeKey: "GET /users", authorizationType: "AWS_IAM" }, policy), []);
    });
    it("is mandatory in every environment's pack config", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            assert.equal(levelOf(policy, api.routesRequireAuthorizer.enforcementLevel, loadPackConfig(stack)), "mandatory", stack);
        }
    });
});

describe("cloudwatch-log-retention", () => {
    const policy = "cloudwatch-log-retention";
    it("passes a log group with a retention", () => {
        assert.deepEqual(messages(logs.LOG_GROUP_TYPE, { retentionInDays: 7 }, policy), []);
    });
    it("reports a log group that keeps logs forever", () => {
        assert.deepEqual(messages(logs.LOG_GROUP_TYPE, {}, policy), [logs.LOG_RETENTION]);
    });
    it("reports a retention over the environment's maximum", () => {
        assert.deepEqual(messages(logs.LOG_GROUP_TYPE, { retentionInDays: 90 }, policy, { [policy]: { maximumDays: 30 } }),
            [logs.retentionTooLong(90, 30)]);
    });
});

describe("users-retention-off", () => {
    const policy = "users-retention-off";
    const fn = (variables: Record<string, string>) => ({ runtime: "java21", environment: { variables } });
    it("passes a function whose users are kept, or that has no retention at all", () => {
        assert.deepEqual(messages(retention.FUNCTION_TYPE, fn({ USERS_TABLE: "users", USERS_RETENTION: "off" }), policy), []);
        assert.deepEqual(messages(retention.FUNCTION_TYPE, fn({ USERS_TABLE: "users" }), policy), []);
        assert.deepEqual(messages(retention.FUNCTION_TYPE, {}, policy), []);
    });
    it("reports a function that deletes users after a retention", () => {
        assert.deepEqual(messages(retention.FUNCTION_TYPE, fn({ USERS_RETENTION: "P5D" }), policy), [retention.USERS_KEPT]);
    });
    it("is skipped where the environment disables it (dev's demo retention)", () => {
        assert.deepEqual(messages(retention.FUNCTION_TYPE, fn({ USERS_RETENTION: "P5D" }), policy, { [policy]: "disabled" }), []);
    });
});
