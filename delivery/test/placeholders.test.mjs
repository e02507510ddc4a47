// Review finding 10: the committed operator manifests name no real repository, Pulumi organization or
// AWS account (placeholders by design: `git.invalid`, `your-org`, 111111111111), and nothing may deploy
// them: with `your-org` a workspace would clone github.com/your-org/users-api, an account anyone can
// own, and build it (its pom's plugins included) in the pod that holds the deployer role by IRSA
// (the operator's fetch init container clones spec.projectRepo: PKO v2.9.0 agent/cmd/init.go; EKS
// injects the role's web identity token into every container of the pod:
// https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html).
//
// So the manifests as rendered for a deploy (`kubectl kustomize operator/overlays/<env>`, what
// `kubectl apply -k` and the bootstrap send) are refused while any placeholder is left, by the same
// patterns the stack program refuses in stack files (stacks' Placeholders, mirrored by the bootstrap's
// ManifestPlaceholders; this file keeps the two equal), and the README's first deploy step, applied to
// a copy of the repository, leaves none.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { ENVIRONMENTS, ROOT, read, render } from "./repo.mjs";

const STACKS_PLACEHOLDERS = "stacks/src/main/java/dev/usersapi/stacks/Placeholders.java";
const BOOTSTRAP_PLACEHOLDERS = "operator/src/main/java/dev/usersapi/operator/ManifestPlaceholders.java";
const ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** The `PLACEHOLDERS = List.of(Pattern.compile("…"[, Pattern.CASE_INSENSITIVE]), …)` of a Java file, as [source, flags]. */
function javaPatterns(file) {
    const list = /PLACEHOLDERS = List\.of\(([\s\S]*?)\);/.exec(read(file));
    assert.ok(list, `${file} declares no PLACEHOLDERS list`);
    return [...list[1].matchAll(/Pattern\.compile\(("(?:[^"\\]|\\.)*")(, Pattern\.CASE_INSENSITIVE)?\)/g)]
        .map(([, literal, insensitive]) => [JSON.parse(literal), insensitive ? "i" : ""]);
}

const PATTERNS = javaPatterns(STACKS_PLACEHOLDERS).map(([source, flags]) => new RegExp(source, flags));

/** What in one environment's rendered manifests decides what runs with whose rights, where it is a placeholder. */
function placeholdersIn(documents) {
    const values = documents.flatMap((document) => document.kind === "Stack"
        ? [["spec.projectRepo", document.spec.projectRepo], ["spec.stack", document.spec.stack]].map(([field, value]) => [`Stack ${document.metadata.name} ${field}`, value])
        : document.kind === "ServiceAccount" ? [[`ServiceAccount ${document.metadata.name} role`, document.metadata.annotations?.[ROLE_ANNOTATION]]] : []);
    return values.filter(([, value]) => value !== undefined && PATTERNS.some((pattern) => pattern.test(value)))
        .map(([where, value]) => `${where}: ${value}`);
}

describe("operator manifests rendered for a deploy", () => {
    it("the bootstrap refuses exactly the placeholders the stack program refuses", () => {
        const stacks = javaPatterns(STACKS_PLACEHOLDERS);
        assert.ok(stacks.length >= 5);
        assert.deepEqual(javaPatterns(BOOTSTRAP_PLACEHOLDERS), stacks);
    });

    it("are refused as committed: every environment's repository, stack and deployer role is a placeholder", () => {
        for (const environment of ENVIRONMENTS) {
            const found = placeholdersIn(render(environment));
            assert.deepEqual(found.map((line) => line.split(":")[0]).sort(), [
                `ServiceAccount users-api-workspace-${environment} role`,
                `Stack users-api-${environment} spec.projectRepo`,
                `Stack users-api-${environment} spec.stack`,
            ], environment);
            // Unresolvable, not merely someone else's: RFC 2606 reserves .invalid.
            const repo = render(environment).find((document) => document.kind === "Stack").spec.projectRepo;
            assert.match(new URL(repo).hostname, /\.invalid$/);
        }
    });

    it("after the README's first deploy step, applied to a copy of the repository, hold none", () => {
        const step = /`(grep -rl [^`]*\| xargs sed -i [^`]*)`/.exec(read("README.md"));
        assert.ok(step, "README names the command that fills in the placeholders");
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "fork-"));
        for (const dir of ["operator", ".github"]) {
            fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true, filter: (source) => !/[/\\](target|node_modules)$/.test(source) });
        }
        const account = "210987654321";
        const result = spawnSync("bash", ["-e", "-c", step[1]], { cwd: copy, encoding: "utf8", env: { PATH: process.env.PATH, account } });
        assert.equal(result.status, 0, result.stderr);
        for (const environment of ENVIRONMENTS) {
            const output = execFileSync("kubectl", ["kustomize", path.join(copy, "operator", "overlays", environment)], { encoding: "utf8" });
            const documents = YAML.parseAllDocuments(output).map((document) => document.toJS());
            assert.deepEqual(placeholdersIn(documents), [], environment);
            const stack = documents.find((document) => document.kind === "Stack");
            assert.equal(stack.spec.projectRepo, "https://github.com/ACME/users-api.git");
            assert.equal(stack.spec.stack, `ACME/users-api/${environment}`);
            const role = documents.find((document) => document.kind === "ServiceAccount").metadata.annotations[ROLE_ANNOTATION];
            assert.equal(role, `arn:aws:iam::${account}:role/users-api-deployer-${environment}`);
        }
        // The placeholder patterns themselves (and the tests' fixtures) are left as they are.
        for (const file of [BOOTSTRAP_PLACEHOLDERS, "operator/src/test/java/dev/usersapi/operator/OperatorBootstrapTest.java"]) {
            assert.equal(fs.readFileSync(path.join(copy, file), "utf8"), read(file), `the step rewrote ${file}`);
        }
        // The workflows name the same organization afterwards.
        assert.match(fs.readFileSync(path.join(copy, ".github", "workflows", "preview.yml"), "utf8"), /PULUMI_ORG: ACME/);
    });
});
