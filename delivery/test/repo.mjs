// Where things are, and how the operator's manifests render, for the delivery tests.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ENVIRONMENTS = ["dev", "staging", "prod"];
export const CRDS = path.resolve(ROOT, "..", "shared", "pko-crds");

export function read(relative) {
    return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

export function hasKubectl() {
    try {
        execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/** `kubectl kustomize operator/overlays/<env>`: the manifests exactly as the cluster would get them. */
export function render(environment) {
    const output = execFileSync("kubectl", ["kustomize", path.join(ROOT, "operator", "overlays", environment)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return YAML.parseAllDocuments(output).map((document) => document.toJS());
}

/** The environment → branch mapping of bin/promote: `staging) source_branch=main; target_branch=env/staging`. */
export function promotionBranches() {
    const script = read("bin/promote");
    const branches = {};
    for (const match of script.matchAll(/^\s*(\w+)\)\s+source_branch=(\S+);\s+target_branch=(\S+) ;;/gm)) {
        branches[match[1]] = { source: match[2], target: match[3] };
    }
    return branches;
}
