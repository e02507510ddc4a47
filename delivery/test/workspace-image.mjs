// Whether Pulumi publishes a container image reference, by the rules of pulumi-images.json (its sources are in it).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const RULES = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "pulumi-images.json"), "utf8"));

/** Why Pulumi publishes no such image (an empty list when it does), by the rules of pulumi-images.json. */
export function imageProblems(reference, { restricted }) {
    const match = /^(?<name>[\w./-]+):(?<tag>[\w.-]+)(?:@(?<digest>sha256:[0-9a-f]{64}))?$/.exec(reference);
    if (!match) {
        return [`${reference} is not name:tag[@digest]`];
    }
    const { name, tag, digest } = match.groups;
    const suffixes = RULES.tagSuffixes[name];
    if (!suffixes) {
        return [`Pulumi publishes no image ${name}`];
    }
    const problems = [];
    const version = /^(\d+\.\d+\.\d+)(.*)$/.exec(tag);
    if (!version) {
        problems.push(RULES.floatingTags[name].includes(tag) ? `${tag} moves with every release: pin a version` : `${name} has no tag ${tag}`);
    } else if (!suffixes.includes(version[2])) {
        problems.push(`${name} is published as ${suffixes.map((suffix) => `<version>${suffix}`).join(", ")}, never ${tag}`);
    }
    if (restricted && !tag.includes("nonroot")) {
        problems.push(`the restricted profile runs uid ${RULES.restrictedProfile.runAsUser}; only a -nonroot image has that user and its home`);
    }
    if (!digest) {
        problems.push("no digest: the tag could be pushed again");
    } else if (RULES.digests[`${name}:${tag}`] !== digest) {
        problems.push(`${digest} is not the digest recorded for ${name}:${tag}`);
    }
    return problems;
}
