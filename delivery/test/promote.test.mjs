// bin/promote against real git repositories, with GitHub's API answered by a stand-in `gh`
// (delivery/fakes/gh) that serves workflow runs, their jobs and a commit's check runs.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, it } from "node:test";
import YAML from "yaml";
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

/** Runs bin/promote in the clone, with `gh` answering from these workflow runs. */
function promote(workflowRuns, ...args) {
    const state = path.join(work, "github.json");
    fs.writeFileSync(state, JSON.stringify({ workflowRuns }));
    return spawnSync("bash", [path.join(ROOT, "bin", "promote"), ...args], {
        cwd: path.join(work, "clone"),
        encoding: "utf8",
        env: { ...process.env, PATH: `${path.join(ROOT, "delivery", "fakes")}:${process.env.PATH}`, GITHUB_REPOSITORY: "your-org/users-api", FAKE_GH_STATE: state },
    });
}

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
});

describe("bin/promote", () => {
    it("promotes from the Actions tab: its own job, in progress on the same commit, is not judged", () => {
        const head = remoteHead("main");
        const result = promote([passed(head), run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/staging"), head);
        assert.notEqual(remoteHead("env/prod"), head, "prod is untouched");
    });

    it("refuses a commit whose CI failed, whatever else passed, and one CI has not run on", () => {
        const head = remoteHead("main");
        let result = promote([run("ci.yml", head, ["test", "completed", "failure"]), run("preview.yml", head, ["preview", "completed", "success"]),
            run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /job test on [0-9a-f]+ did not succeed[\s\S]*completed failure/);
        result = promote([run("promote.yml", head, ["promote", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /ci\.yml has not run on/);
        assert.notEqual(remoteHead("env/staging"), head);
    });

    it("waits for CI still running, judges the newest CI run, and never another workflow's job of the same name", () => {
        const head = remoteHead("main");
        let result = promote([run("ci.yml", head, ["test", "in_progress"])], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /in_progress none/);
        result = promote([passed(head), run("ci.yml", head, ["test", "completed", "failure"])], "staging");
        assert.equal(result.status, 1, "the newer run failed");
        result = promote([run("other.yml", head, ["test", "completed", "success"])], "staging");
        assert.equal(result.status, 1);
        result = promote([run("ci.yml", head, ["test", "completed", "failure"]), passed(head)], "staging");
        assert.equal(result.status, 0, result.stderr);
    });

    it("promotes to prod only what staging runs", () => {
        const head = remoteHead("main");
        assert.equal(promote([passed(head)], "prod", head).status, 1, "main's head is not on env/staging yet");
        assert.equal(promote([passed(head)], "staging").status, 0);
        const result = promote([passed(head)], "prod");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/prod"), head);
    });

    it("refuses what is not a fast-forward", () => {
        const clone = path.join(work, "clone");
        git(clone, "checkout", "-q", "-b", "hotfix", "origin/env/staging");
        commit(clone, "diverged");
        git(clone, "push", "-q", "origin", "hotfix:env/staging");
        git(clone, "checkout", "-q", "main");
        const result = promote([passed(remoteHead("main"))], "staging");
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
