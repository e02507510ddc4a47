// Where things are, and how the operator's manifests render, for the delivery tests.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ENVIRONMENTS = ["dev", "staging", "prod"];
/** The operator's Stack schema, vendored beside the tests (pko-crds/README.md says from where). */
export const STACK_SCHEMA = path.join(ROOT, "delivery", "test", "pko-crds", "stack_v1.json");
/** The shared copy of the operator's CRDs, where this checkout has one beside it (not on GitHub). */
export const SHARED_CRDS = path.resolve(ROOT, "..", "shared", "pko-crds");

export function read(relative) {
    return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

const rendered = new Map();

/**
 * `kubectl kustomize operator/overlays/<env>`: the manifests exactly as the cluster would get them
 * (kubectl: GitHub's runners have it; .ci/run installs Debian's kubernetes-client where missing).
 */
export function render(environment) {
    if (!rendered.has(environment)) {
        let output;
        try {
            output = execFileSync("kubectl", ["kustomize", path.join(ROOT, "operator", "overlays", environment)],
                { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (error) {
            throw new Error(`kubectl kustomize operator/overlays/${environment} failed (is kubectl installed?): ${error.stderr ?? error.message}`);
        }
        rendered.set(environment, YAML.parseAllDocuments(output).map((document) => document.toJS()));
    }
    return structuredClone(rendered.get(environment));
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

/**
 * The CRD's schema as the API server applies it, plus what it does not say: an object that
 * lists its properties accepts no others (unless it says it preserves unknown fields), so a
 * misspelt field fails here instead of being pruned silently by the server.
 */
export function strict(schema) {
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
