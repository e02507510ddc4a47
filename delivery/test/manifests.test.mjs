import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import YAML from "yaml";
import { ENVIRONMENTS, ROOT, SHARED_CRDS, STACK_SCHEMA, promotionBranches, read, render, strict } from "./repo.mjs";
import { RULES, imageProblems } from "./workspace-image.mjs";

/** A Go duration of hours, minutes and seconds ("1h", "90m", "1h30m") in seconds. */
function durationSeconds(text) {
    const units = { h: 3600, m: 60, s: 1 };
    const parts = [...text.matchAll(/(\d+)([hms])/g)];
    assert.equal(parts.map((part) => part[0]).join(""), text, `not a duration of h, m and s: ${text}`);
    return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
}

function stackValidator() {
    const schema = JSON.parse(fs.readFileSync(STACK_SCHEMA, "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    return ajv.compile(strict(schema));
}

describe("operator manifests", () => {
    const rendered = Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, render(environment)]));
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

    it("are validated against the operator's schema as vendored, which still matches the shared copy where there is one", (t) => {
        // The shared copy is the CRD itself (pulumi.com_stacks.yaml); the vendored file is its v1 openAPIV3Schema.
        const shared = path.join(SHARED_CRDS, "pulumi.com_stacks.yaml");
        if (!fs.existsSync(SHARED_CRDS)) {
            t.skip(`no ${SHARED_CRDS} beside this checkout: only the vendored schema is used`);
            return;
        }
        const crd = YAML.parse(fs.readFileSync(shared, "utf8"));
        const v1 = crd.spec.versions.find((version) => version.name === "v1").schema.openAPIV3Schema;
        assert.deepEqual(JSON.parse(fs.readFileSync(STACK_SCHEMA, "utf8")), v1);
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

    it("prod updates only while staging's last update, smoke check included, succeeded within staging's resync period", () => {
        const [prod] = stackOf("prod");
        const [staging] = stackOf("staging");
        assert.deepEqual(prod.spec.prerequisites.map((prerequisite) => prerequisite.name), [staging.metadata.name]);
        const window = durationSeconds(prod.spec.prerequisites[0].requirement.succeededWithinDuration);
        // stack_controller.go (isRequirementSatisfied) measures from the prerequisite's last resync;
        // an older success makes the operator force a re-run of staging. Staging resyncs on its own
        // well within the window, so that forced re-run is never more than its routine one.
        assert.equal(staging.spec.continueResyncOnCommitMatch, true);
        assert.ok(staging.spec.resyncFrequencySeconds * 3 <= window, `staging resyncs every ${staging.spec.resyncFrequencySeconds} s, prod asks for ${window} s`);
    });

    it("staging and prod correct drift: every resync refreshes and updates the deployed commit again", () => {
        for (const environment of ["staging", "prod"]) {
            const { spec } = stackOf(environment)[0];
            assert.equal(spec.refresh, true, environment);
            assert.equal(spec.continueResyncOnCommitMatch, true, environment);
            // The CRD: below 60 s is treated as 60 s; the same period polls the branch for promotions.
            assert.ok(spec.resyncFrequencySeconds >= 60 && spec.resyncFrequencySeconds <= 3600, environment);
            assert.notEqual(spec.preview, true, `${environment} applies, it does not only preview`);
        }
    });

    it("the workspace keeps its Maven repository and PULUMI_HOME on the environment's own claim, which outlives the pod", () => {
        for (const environment of ENVIRONMENTS) {
            const documents = rendered[environment];
            const workspace = stackOf(environment)[0].spec.workspaceTemplate.spec;
            const pod = workspace.podTemplate.spec;
            const [volume] = pod.volumes;
            const claim = documents.find((document) => document.kind === "PersistentVolumeClaim");
            assert.equal(volume.persistentVolumeClaim.claimName, claim.metadata.name, "the name suffix reaches the claim's reference");
            assert.equal(claim.metadata.name, `users-api-workspace-cache-${environment}`);
            assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
            // The operator's own container is named "pulumi"; a patch for another name would add a container.
            const [container] = pod.containers;
            assert.equal(container.name, "pulumi");
            const mount = container.volumeMounts.find((candidate) => candidate.name === volume.name);
            const env = Object.fromEntries(workspace.env.map(({ name, value }) => [name, value]));
            assert.ok(env.PULUMI_HOME.startsWith(`${mount.mountPath}/`), env.PULUMI_HOME);
            const repository = /-Dmaven\.repo\.local=(\S+)/.exec(env.MAVEN_ARGS)[1];
            assert.ok(repository.startsWith(`${mount.mountPath}/`), repository);
        }
    });

    it("every Stack builds Java in a restricted workspace with room for Maven", () => {
        for (const environment of ENVIRONMENTS) {
            const workspace = stackOf(environment)[0].spec.workspaceTemplate.spec;
            assert.equal(workspace.securityProfile, "restricted");
            assert.ok(workspace.resources.requests.memory && workspace.resources.limits.memory);
        }
    });

    it("every workspace runs an image Pulumi publishes, pinned by tag and digest (pulumi-images.json)", () => {
        for (const environment of ENVIRONMENTS) {
            const workspace = stackOf(environment)[0].spec.workspaceTemplate.spec;
            assert.deepEqual(imageProblems(workspace.image, { restricted: workspace.securityProfile === "restricted" }), [],
                `${environment}: ${workspace.image}`);
            // The restricted profile sets no fsGroup; without one the claim is not writable by uid 1000.
            assert.equal(workspace.podTemplate.spec.securityContext.fsGroup, RULES.nonroot.gid, environment);
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
