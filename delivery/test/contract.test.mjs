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

    it("declares the bearer scheme prod's JWT authorizer requires, and open routes as the alternative", () => {
        const contract = YAML.parse(read("api/openapi.yaml"));
        assert.deepEqual(contract.components.securitySchemes.bearerAuth,
            { ...contract.components.securitySchemes.bearerAuth, type: "http", scheme: "bearer", bearerFormat: "JWT" });
        assert.deepEqual(contract.security, [{ bearerAuth: [] }, {}]);
        const prod = YAML.parse(read("stacks/Pulumi.prod.yaml")).config["users-api:api"];
        assert.ok(prod.jwt?.issuer, "prod names the JWT issuer whose tokens the scheme carries");
        for (const stack of ["dev", "staging"]) {
            assert.equal(YAML.parse(read(`stacks/Pulumi.${stack}.yaml`)).config["users-api:api"].jwt, undefined, `${stack} leaves routes open`);
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
