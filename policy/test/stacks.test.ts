// The pack against what the Java program really declares: each stack's offline preview
// (stacks/target/offline-preview/<stack>.json, written by the program run under Pulumi's mocks).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as api from "../src/rules/api";
import * as retention from "../src/rules/retention";
import * as table from "../src/rules/table";
import { evaluate, evaluateStack, loadPackConfig, PreviewResource, PROJECT_DIR } from "./engine";

const STACKS = ["dev", "staging", "prod"];

function previewFile(stack: string): string {
    return path.join(PROJECT_DIR, "stacks", "target", "offline-preview", `${stack}.json`);
}

function preview(stack: string): PreviewResource[] {
    return JSON.parse(fs.readFileSync(previewFile(stack), "utf8")).resources;
}

/** The preview with the users table changed (the idempotency-keys table stays as declared). */
function withTable(resources: PreviewResource[], change: (props: Record<string, any>) => void): PreviewResource[] {
    return resources.map((resource) => {
        if (resource.type !== table.TABLE_TYPE || resource.name !== "users") {
            return resource;
        }
        const props = structuredClone(resource.props);
        change(props);
        return { ...resource, props };
    });
}

before(() => {
    // From a clean checkout (no Java build yet) the previews are made here, by the documented command.
    if (!STACKS.every((stack) => fs.existsSync(previewFile(stack)))) {
        execFileSync("mvn", ["-q", "-B", "-pl", "stacks", "compile", "exec:java",
            "-DmainClass=dev.usersapi.stacks.preview.OfflinePreview", `-DmainArgs=${STACKS.join(" ")}`],
            { cwd: PROJECT_DIR, stdio: "inherit" });
    }
});

describe("every stack the program declares", () => {
    for (const stack of STACKS) {
        it(`${stack} passes every mandatory rule with its pack config`, () => {
            const resources = preview(stack);
            assert.ok(resources.some((resource) => resource.type === table.TABLE_TYPE), "the preview holds the table");
            const mandatory = [...evaluate(resources, loadPackConfig(stack)), ...evaluateStack(resources, loadPackConfig(stack))]
                .filter((violation) => violation.level === "mandatory");
            assert.deepEqual(mandatory, []);
        });
    }

    it("dev passes without a single advisory either", () => {
        assert.deepEqual(evaluate(preview("dev"), loadPackConfig("dev")), []);
    });

    for (const stack of STACKS) {
        it(`${stack}: every route, $default included, needs a JWT with one of its scopes, but the preflight route where CORS is set`, () => {
            const resources = preview(stack);
            const cors = resources.filter((resource) => resource.type === api.API_TYPE).some((resource) => resource.props.corsConfiguration != null);
            const routes = resources.filter((resource) => resource.type === api.ROUTE_TYPE);
            assert.equal(routes.length, cors ? 10 : 9, "eight OpenAPI operations and $default, and OPTIONS /{proxy+} with CORS");
            for (const route of routes) {
                if (cors && route.props.routeKey === api.PREFLIGHT_ROUTE) {
                    assert.equal(route.props.authorizationType, "NONE");
                    continue;
                }
                assert.equal(route.props.authorizationType, "JWT", route.props.routeKey);
                assert.ok(route.props.authorizationScopes.length > 0, route.props.routeKey);
            }
            assert.equal(cors, stack === "dev", "dev alone names a browser front end's origins");
        });
    }

    it("dev's preflight route without the API's CORS configuration is a mandatory violation", () => {
        const withoutCors = preview("dev").map((resource) => resource.type === api.API_TYPE
            ? { ...resource, props: { ...resource.props, corsConfiguration: undefined } } : resource);
        assert.deepEqual(evaluateStack(withoutCors, loadPackConfig("dev")).map((violation) => [violation.level, violation.message]),
            [["mandatory", api.preflightRouteWithoutCors(api.PREFLIGHT_ROUTE)]]);
    });

    it("a route opened in any stack is a mandatory violation there", () => {
        for (const stack of STACKS) {
            const opened = preview(stack).map((resource) => resource.type === api.ROUTE_TYPE && resource.props.routeKey === "GET /users"
                ? { ...resource, props: { ...resource.props, authorizationType: "NONE" } } : resource);
            assert.deepEqual(evaluate(opened, loadPackConfig(stack)).filter((violation) => violation.level === "mandatory")
                .map((violation) => violation.message), [api.unauthorizedRoute("GET /users")], stack);
        }
    });
});

describe("a broken stack", () => {
    it("with point-in-time recovery off gets exactly that violation", () => {
        const broken = withTable(preview("dev"), (props) => { props.pointInTimeRecovery = { enabled: false }; });
        assert.deepEqual(evaluate(broken, loadPackConfig("dev")).map((violation) => [violation.policy, violation.message]),
            [["dynamodb-point-in-time-recovery", table.POINT_IN_TIME_RECOVERY]]);
    });

    it("with provisioned billing gets exactly that violation", () => {
        const broken = withTable(preview("dev"), (props) => {
            props.billingMode = "PROVISIONED";
            props.readCapacity = 30;
            props.writeCapacity = 30;
        });
        assert.deepEqual(evaluate(broken, loadPackConfig("dev")).map((violation) => [violation.policy, violation.message]),
            [["dynamodb-pay-per-request", table.PAY_PER_REQUEST]]);
    });

    it("dev's resources under prod's pack config fail every prod-only rule", () => {
        const violations = evaluate(preview("dev"), loadPackConfig("prod"));
        const byPolicy = new Map<string, number>();
        violations.forEach((violation) => byPolicy.set(violation.policy, (byPolicy.get(violation.policy) ?? 0) + 1));
        assert.deepEqual(Object.fromEntries(byPolicy), {
            "dynamodb-encryption": 2,
            "dynamodb-deletion-protection": 4,
            "users-retention-off": 1,
        }, "both tables lack a customer-managed key, deletion protection and protect; "
            + "the API function deletes users after dev's demo retention");
        assert.ok(violations.some((violation) => violation.message === table.CUSTOMER_MANAGED_KEY));
        assert.ok(violations.some((violation) => violation.message === table.PULUMI_PROTECT));
        assert.ok(violations.some((violation) => violation.message === retention.USERS_KEPT));
    });
});
