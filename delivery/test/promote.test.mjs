// bin/promote against real git repositories, with GitHub's check runs answered by a stand-in `gh`.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, it } from "node:test";
import { ROOT } from "./repo.mjs";

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

/** Runs bin/promote in the clone, with `gh` answering the given check conclusions. */
function promote(conclusions, ...args) {
    const bin = path.join(work, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const lines = conclusions.map((conclusion) => `echo ${conclusion}`).join("\n");
    fs.writeFileSync(path.join(bin, "gh"), `#!/usr/bin/env bash\n${lines}\n`, { mode: 0o755 });
    return spawnSync("bash", [path.join(ROOT, "bin", "promote"), ...args], {
        cwd: path.join(work, "clone"),
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: "your-org/users-api" },
    });
}

function remoteHead(branch) {
    return git(path.join(work, "origin.git"), "rev-parse", `refs/heads/${branch}`);
}

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
    it("fast-forwards staging to main's tested head", () => {
        const result = promote(["success", "success", "skipped"], "staging");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/staging"), remoteHead("main"));
        assert.notEqual(remoteHead("env/prod"), remoteHead("main"), "prod is untouched");
    });

    it("refuses a commit whose checks failed, and one with no checks yet", () => {
        let result = promote(["success", "failure"], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /not every check/);
        result = promote([], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /no checks/);
        assert.notEqual(remoteHead("env/staging"), remoteHead("main"));
    });

    it("promotes to prod only what staging runs", () => {
        assert.equal(promote(["success"], "prod", remoteHead("main")).status, 1, "main's head is not on env/staging yet");
        assert.equal(promote(["success"], "staging").status, 0);
        const result = promote(["success"], "prod");
        assert.equal(result.status, 0, result.stderr);
        assert.equal(remoteHead("env/prod"), remoteHead("main"));
    });

    it("refuses what is not a fast-forward", () => {
        const clone = path.join(work, "clone");
        git(clone, "checkout", "-q", "-b", "hotfix", "origin/env/staging");
        commit(clone, "diverged");
        git(clone, "push", "-q", "origin", "hotfix:env/staging");
        git(clone, "checkout", "-q", "main");
        const result = promote(["success"], "staging");
        assert.equal(result.status, 1);
        assert.match(result.stderr, /not an ancestor/);
    });
});
