// No credentials in the repository: every file a clone gets is scanned for the shapes secrets take.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "./repo.mjs";

const PATTERNS = [
    ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
    ["AWS secret access key", /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}/i],
    ["private key", /-----BEGIN (RSA |EC |OPENSSH |DSA |)PRIVATE KEY-----/],
    ["Pulumi access token", /\bpul-[0-9a-f]{40}\b/],
    ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
    ["Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
    ["password assignment", /\b(password|passwd|secret)\s*[:=]\s*["'][^"'\s$]{8,}["']/i],
];

/** What a clone holds: git's tracked files, or, outside a git checkout, every file but build output. */
function repositoryFiles() {
    try {
        return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    } catch {
        const files = [];
        const walk = (dir) => {
            for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
                const relative = path.join(dir, entry.name);
                if (["node_modules", "target", "dist", ".git", ".users-api"].includes(entry.name)) continue;
                entry.isDirectory() ? walk(relative) : files.push(relative);
            }
        };
        walk(".");
        return files;
    }
}

export function findSecrets(text) {
    return PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

describe("secrets", () => {
    it("the scanner recognises each kind it looks for", () => {
        // Built at run time, so the samples themselves never sit in the repository.
        const samples = ["AKIA" + "ABCDEFGHIJKLMNOP", "aws_secret_access_key = " + "a".repeat(40), "-----BEGIN " + "PRIVATE KEY-----",
            "pul-" + "0".repeat(40), "ghp_" + "x".repeat(36), "xoxb-" + "1234567890-abc", 'password: "' + "hunter22xy" + '"'];
        assert.deepEqual(samples.map((sample) => findSecrets(sample).length), samples.map(() => 1));
    });

    it("no file of the repository holds a credential", () => {
        const found = [];
        for (const file of repositoryFiles()) {
            const full = path.join(ROOT, file);
            if (!fs.existsSync(full) || fs.statSync(full).size > 2_000_000) continue;
            const kinds = findSecrets(fs.readFileSync(full, "utf8"));
            if (kinds.length) found.push(`${file}: ${kinds.join(", ")}`);
        }
        assert.deepEqual(found, []);
    });
});
