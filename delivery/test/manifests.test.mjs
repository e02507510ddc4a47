import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import { CRDS, ENVIRONMENTS, ROOT, hasKubectl, promotionBranches, read, render } from "./repo.mjs";

const skip = !fs.existsSync(CRDS)
    ? `the operator's CRD schemas are not at ${CRDS}; manifest validation skipped`
    : !hasKubectl() ? "kubectl is not installed (Debian package kubernetes-client); manifest rendering skipped" : false;

/**
 * The CRD's schema as the API server applies it, plus what it does not say: an object that
 * lists its properties accepts no others (unless it says it preserves unknown fields), so a
 * misspelt field fails here instead of being pruned silently by the server.
 */
function strict(schema) {
    if (Array.isArray(schema)) {
        return schema.map(strict);
    }
    if (schema === null || typeof schema !== "object") {
        return schema;
    }
    const copy = {};
    for (const [key, value] of Object.entries(schema)) {
        copy[key] = strict(value);
    }
    if (copy.properties && copy.additionalProperties === undefined && copy["x-kubernetes-preserve-unknown-fields"] !== true) {
        copy.additionalProperties = false;
    }
    return copy;
}

function stackValidator() {
    const schema = JSON.parse(fs.readFileSync(path.join(CRDS, "jsonschema", "pulumi.com", "stack_v1.json"), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    return ajv.compile(strict(schema));
}

describe("operator manifests", { skip }, () => {
    const rendered = skip ? {} : Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, render(environment)]));
    const stackOf = (environment) => rendered[environment].filter((document) => document.kind === "Stack");

    it("render one Stack per environment, each valid against the operator's schema with unknown fields rejected", () => {
        const validate = stackValidator();
        for (const environment of ENVIRONMENTS) {
            const stacks = stackOf(environment);
            assert.equal(stacks.length, 1, environment);
            const valid = validate(stacks[0]);
            assert.ok(valid, `${environment}: ${JSON.stringify(validate.errors, null, 2)}`);
            assert.equal(stacks[0].apiVersion, "pulumi.com/v1");
        }
    });

    it("the strict schema catches a misspelt field", () => {
        const validate = stackValidator();
        const misspelt = structuredClone(stackOf("dev")[0]);
        misspelt.spec.destroyOnFinalise = true;
        assert.equal(validate(misspelt), false);
    });

    it("Stack names fit the CRD's 42-character rule and branch and commit are never both set", () => {
        for (const environment of ENVIRONMENTS) {
            const [stack] = stackOf(environment);
            assert.ok(stack.metadata.name.length <= 42, stack.metadata.name);
            assert.equal(stack.metadata.name, `users-api-${environment}`);
            assert.ok(!(stack.spec.branch && stack.spec.commit));
        }
    });

    it("each Stack deploys its environment's stack file, from the branch promotion moves", () => {
        const promotion = promotionBranches();
        assert.deepEqual(Object.keys(promotion).sort(), ["prod", "staging"]);
        for (const environment of ENVIRONMENTS) {
            const [stack] = stackOf(environment);
            assert.match(stack.spec.stack, new RegExp(`^[\\w-]+/users-api/${environment}$`));
            assert.ok(fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${environment}.yaml`)));
            const branch = environment === "dev" ? "main" : promotion[environment].target;
            assert.equal(stack.spec.branch, `refs/heads/${branch}`);
            assert.equal(stack.spec.repoDir, ".");
            assert.ok(fs.existsSync(path.join(ROOT, stack.spec.repoDir, "Pulumi.yaml")));
        }
        assert.equal(promotion.prod.source, promotion.staging.target, "prod is promoted from what staging runs");
    });

    it("staging and prod survive the deletion of their Stack resource; dev does not", () => {
        assert.equal(stackOf("dev")[0].spec.destroyOnFinalize, true);
        assert.equal(stackOf("staging")[0].spec.destroyOnFinalize, false);
        assert.equal(stackOf("prod")[0].spec.destroyOnFinalize, false);
    });

    it("prod reconciles only after staging succeeded", () => {
        const [prod] = stackOf("prod");
        assert.deepEqual(prod.spec.prerequisites.map((prerequisite) => prerequisite.name), ["users-api-staging"]);
        assert.ok(prod.spec.prerequisites[0].requirement.succeededWithinDuration);
    });

    it("every Stack refreshes, resyncs, and builds Java in a pinned non-root workspace with room for Maven", () => {
        for (const environment of ENVIRONMENTS) {
            const { spec } = stackOf(environment)[0];
            assert.equal(spec.refresh, true);
            assert.ok(spec.resyncFrequencySeconds > 0);
            const workspace = spec.workspaceTemplate.spec;
            assert.match(workspace.image, /^pulumi\/pulumi-java:\d+\.\d+\.\d+-nonroot$/);
            assert.equal(workspace.securityProfile, "restricted");
            assert.ok(workspace.resources.requests.memory && workspace.resources.limits.memory);
        }
    });

    it("credentials come from Secrets and the workspace's service account, never from values in git", () => {
        for (const environment of ENVIRONMENTS) {
            const documents = rendered[environment];
            const [stack] = stackOf(environment);
            assert.equal(stack.spec.envRefs.PULUMI_ACCESS_TOKEN.type, "Secret");
            assert.ok(!documents.some((document) => document.kind === "Secret"), "no Secret is committed");
            const account = documents.find((document) => document.kind === "ServiceAccount");
            assert.equal(stack.spec.serviceAccountName, account.metadata.name);
            assert.ok(account.metadata.annotations["eks.amazonaws.com/role-arn"].startsWith("arn:aws:iam::"));
            const binding = documents.find((document) => document.kind === "ClusterRoleBinding");
            assert.equal(binding.roleRef.name, "system:auth-delegator");
            assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: account.metadata.name, namespace: "users-api" }]);
        }
    });
});

it("the operator's manifests are where the README says", () => {
    assert.match(read("README.md"), /kubectl apply -k operator\/overlays\//);
});
