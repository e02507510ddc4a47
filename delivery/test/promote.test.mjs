// bin/promote against real git repositories, with GitHub's API answered by a stand-in `gh`
// (delivery/fakes/gh) that serves workflow runs, their jobs and a commit's check runs, and Pulumi
// Cloud's update history by a stand-in HTTP server (delivery/fakes/pulumi-cloud.mjs, held to
// pulumi-cloud-api.json) that bin/promote reaches with curl, as it reaches the real one.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import YAML from "yaml";
import { startPulumiCloud, update } from "../fakes/pulumi-cloud.mjs";
import { ROOT, read } from "./repo.mjs";

let work;

function git(cwd, ...args) {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function commit(cwd, message) {
    fs.writeFileSync(path.join(cwd, "file.txt"), message);
    git(cwd, "add", "file.txt");
    git(cwd, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
    return git(cwd, "rev-parse", "HEAD");
}

let nextRun = 1;

/** A workflow run of `workflow` on `sha`, with its jobs as [name, status, conclusion]. */
function run(workflow, sha, ...jobs) {
    const id = nextRun++;
    return {
        id, path: `.github/workflows/${workflow}`, head_sha: sha, created_at: new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString(),
        jobs: jobs.map(([name, status, conclusion]) => ({ name, status, conclusion: conclusion ?? null })),
    };
}

const PULUMI_TOKEN = "pul-0123456789abcdef";
/** Staging's updates in the stand-in Pulumi Cloud, oldest first; each test sets its own. */
const staging = [];
let cloud;

/**
 * Runs bin/promote in the clone, with `gh` answering from these workflow runs and Pulumi Cloud
 * from `staging`; resolves to { status, stdout, stderr }.
 */
function promote(workflowRuns, ...args) {
    const state = path.join(work, "github.json");
    fs.writeFileSync(state, JSON.stringify({ workflowRuns }));
    const env = { ...process.env, PATH: `${path.join(ROOT, "delivery", "fakes")}:${process.env.PATH}`, GITHUB_REPOSITORY: "your-org/users-api",
        FAKE_GH_STATE: state, PULUMI_API: cloud.url, PULUMI_ACCESS_TOKEN: PULUMI_TOKEN, PULUMI_ORG: "your-org" };
    if (typeof args[0] === "object") {
        Object.assign(env, args.shift());
    }
    return new Promise((resolve) => {
        execFile("bash", [path.join(ROOT, "bin", "promote"), ...args], { cwd: path.join(work, "clone"), encoding: "utf8", env },
            (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }));
    });
}

/** Staging's update history is now these updates (oldest first). */
function stagingDeployed(...updates) {
    staging.splice(0, staging.length, ...updates);
}

before(async () => {
    cloud = await startPulumiCloud({ token: PULUMI_TOKEN, stacks: { "your-org/users-api/staging": staging } });
});

after(() => cloud.close());

function remoteHead(branch) {
    return git(path.join(work, "origin.git"), "rev-parse", `refs/heads/${branch}`);
}

/** CI passed on the commit. */
const passed = (sha) => run("ci.yml", sha, ["test", "completed", "success"]);

beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "promote-"));
    git(work, "init", "-q", "--bare", "-b", "main", "origin.git");
    git(work, "clone", "-q", "origin.git", "clone");
    const clone = path.join(work, "clone");
    git(clone, "checkout", "-q", "-b", "main");
    commit(clone, "one");
    git(clone, "push", "-q", "origin", "main", "main:env/staging", "main:env/prod");
    commit(clone, "two");
    git(clone, "push", "-q", "origin", "main");
    stagingDeployed();
});

describe("bin/promote", () => {
    it("promotes from the Actions tab: its own job, in progress on the same commit, is not judged", async () => {
        const head = remoteHead("main");
        const result = await promote([passed(head), run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/staging"), head);
        assert.notEqual(remoteHead("env/prod"), head, "prod is untouched");
    });

    it("refuses a commit whose CI failed, whatever else passed, and one CI has not run on", async () => {
        const head = remoteHead("main");
        let result = await promote([run("ci.yml", head, ["test", "completed", "failure"]), run("preview.yml", head, ["preview", "completed", "success"]),
            run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /job test on [0-9a-f]+ did not succeed[\s\S]*completed failure/);
        result = await promote([run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /ci\.yml has not run on/);
        assert.notEqual(remoteHead("env/staging"), head);
    });

    it("waits for CI still running, judges the newest CI run, and never another workflow's job of the same name", async () => {
        const head = remoteHead("main");
        let result = await promote([run("ci.yml", head, ["test", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /in_progress none/);
        result = await promote([passed(head), run("ci.yml", head, ["test", "completed", "failure"])], "staging");
        assert.equal(result.status, 1, "the newer run failed");
        result = await promote([run("other.yml", head, ["test", "completed", "success"])], "staging");
        assert.equal(result.status, 1);
        result = await promote([run("ci.yml", head, ["test", "completed", "failure"]), passed(head)], "staging");
        assert.equal(result.status, 0, result.stderr);
    });

    it("promotes to prod only what is on env/staging", async () => {
        const head = remoteHead("main");
        assert.equal((await promote([passed(head)], "prod", head)).status, 1, "main's head is not on env/staging yet");
        assert.equal((await promote([passed(head)], "staging")).status, 0);
        stagingDeployed(update(head));
        const result = await promote([passed(head)], "prod");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/prod"), head);
    });

    // Review finding 7: the operator's prerequisite (prod waits for staging's last update to have
    // succeeded) never compares commits, so prod is promoted only once Pulumi Cloud shows staging's
    // last successful update ran that very commit.
    it("promotes to prod only the commit staging's last successful update deployed", async () => {
        const previous = remoteHead("env/staging");
        const head = remoteHead("main");
        git(path.join(work, "clone"), "push", "-q", "origin", "main:env/staging");
        // Promoted a minute ago: staging's operator has not run it yet; its last success is the previous commit.
        stagingDeployed(update(previous));
        let result = await promote([passed(head)], "prod");
        assert.equal(result.status, 1);
        assert.match(result.stderr, new RegExp(`staging \\(your-org/users-api/staging\\) last deployed ${previous} successfully, not ${head}`));
        // Its update of the commit failed (the smoke check), a refresh or a destroy succeeded, the retry still runs: not deployed.
        stagingDeployed(update(previous), update(head, "failed"), update(head, "succeeded", "refresh"), update(head, "succeeded", "destroy"),
            update(head, "in-progress"));
        result = await promote([passed(head)], "prod");
        assert.equal(result.status, 1);
        assert.match(result.stderr, new RegExp(`last deployed ${previous} successfully`));
        assert.notEqual(remoteHead("env/prod"), head);
        // Deployed; a resync that failed since does not unmake it (the operator's prerequisite then holds prod).
        stagingDeployed(update(previous), update(head), update(head, "failed"), update(head, "in-progress"));
        result = await promote([passed(head)], "prod");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/prod"), head);
        const [request] = cloud.requests.slice(-1);
        assert.equal(new URL(request.url, cloud.url).pathname, "/api/stacks/your-org/users-api/staging/updates");
        assert.equal(request.headers.authorization, `token ${PULUMI_TOKEN}`);
    });

    it("refuses prod when staging's history cannot be read: no token, a wrong one, a stack never deployed", async () => {
        const head = remoteHead("main");
        git(path.join(work, "clone"), "push", "-q", "origin", "main:env/staging");
        stagingDeployed(update(head));
        let result = await promote([passed(head)], { PULUMI_ACCESS_TOKEN: "" }, "prod");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /PULUMI_ACCESS_TOKEN is needed/);
        result = await promote([passed(head)], { PULUMI_ACCESS_TOKEN: "pul-revoked" }, "prod");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /cannot read the update history of your-org\/users-api\/staging/);
        stagingDeployed();
        result = await promote([passed(head)], "prod");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /last deployed no commit successfully/);
        assert.notEqual(remoteHead("env/prod"), head);
    });

    it("refuses what is not a fast-forward", async () => {
        const clone = path.join(work, "clone");
        git(clone, "checkout", "-q", "-b", "hotfix", "origin/env/staging");
        commit(clone, "diverged");
        git(clone, "push", "-q", "origin", "hotfix:env/staging");
        git(clone, "checkout", "-q", "main");
        const result = await promote([passed(remoteHead("main"))], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /not an ancestor/);
    });

    it("judges the workflow and job that CI really has", () => {
        const script = read("bin/promote");
        const workflow = /PROMOTE_CI_WORKFLOW:-([\w.-]+)\}/.exec(script)[1];
        const job = /PROMOTE_CI_JOB:-([\w-]+)\}/.exec(script)[1];
        const ci = YAML.parse(read(`.github/workflows/${workflow}`));
        // A job's check run is named after its `name`, or its id where it has none.
        assert.ok(Object.entries(ci.jobs).some(([id, definition]) => (definition.name ?? id) === job), `${workflow} has no job ${job}`);
        assert.equal(ci.jobs[job]?.strategy, undefined, "a matrix job's check runs are named 'test (…)'");
    });
});
