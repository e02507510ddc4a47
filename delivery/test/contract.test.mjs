// The API contract (api/openapi.yaml) under Redocly's recommended rules, as API tooling reads it:
// every operation says how it is called (security), is tagged, and the document carries a licence.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { ROOT, read } from "./repo.mjs";

const CONTRACT = path.join(ROOT, "api", "openapi.yaml");
const redocly = path.join(ROOT, "delivery", "node_modules", ".bin", "redocly");

describe("the API contract", () => {
    it("passes redocly lint with the recommended rules, with no error and no warning", () => {
        const output = execFileSync(redocly, ["lint", CONTRACT, "--extends=recommended", "--format=json"], {
            encoding: "utf8",
            // No telemetry and no update check: CI runs offline from Redocly's services.
            env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const report = JSON.parse(output);
        assert.deepEqual(report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`), []);
        assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
    });

    it("declares the OAuth scopes every AWS stage's JWT authorizer requires, and no open alternative", () => {
        const contract = YAML.parse(read("api/openapi.yaml"));
        const scheme = contract.components.securitySchemes.usersAuth;
        assert.equal(scheme.type, "oauth2");
        const scopes = Object.keys(scheme.flows.clientCredentials.scopes).sort();
        assert.deepEqual(scopes, ["users/admin", "users/read", "users/write"]);
        for (const [path, item] of Object.entries(contract.paths)) {
            for (const [method, operation] of Object.entries(item).filter(([key]) => ["get", "put", "post", "delete", "patch"].includes(key))) {
                const security = operation.security ?? contract.security ?? [];
                assert.ok(security.length > 0, `${method} ${path} names its scopes`);
                assert.ok(security.every((requirement) => (requirement.usersAuth ?? []).length === 1 && scopes.includes(requirement.usersAuth[0])),
                    `${method} ${path}: one scope per alternative, none open`);
            }
        }
        for (const stack of ["dev", "staging", "prod"]) {
            const jwt = YAML.parse(read(`stacks/Pulumi.${stack}.yaml`)).config["users-api:api"]?.jwt;
            assert.ok(jwt === undefined || jwt.issuer.startsWith("https://"),
                `${stack}: the program's Cognito user pool issues the tokens, or the stack names its own issuer`);
        }
    });

    it("tags every operation, so generated clients get a named API class", () => {
        const contract = YAML.parse(read("api/openapi.yaml"));
        const operations = Object.values(contract.paths).flatMap((item) =>
            Object.entries(item).filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method)).map(([, op]) => op));
        assert.equal(operations.length, 8);
        assert.ok(operations.every((op) => JSON.stringify(op.tags) === JSON.stringify(["users"])));
        assert.equal(contract.info.license.name, "Apache-2.0");
    });
});
