// The workspace image rule itself: what Pulumi publishes, and the user the restricted profile runs as.
// manifests.test.mjs holds every rendered Stack's image to it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RULES, imageProblems } from "./workspace-image.mjs";

describe("the workspace image rule", () => {
    it("refuses what Pulumi does not publish: a -nonroot language image, a root image under the restricted profile, a floating tag, a tag without digest", () => {
        assert.match(imageProblems("pulumi/pulumi-java:3.207.0-nonroot", { restricted: true }).join("\n"), /never 3\.207\.0-nonroot/);
        assert.match(imageProblems("pulumi/pulumi-java:3.207.0", { restricted: true }).join("\n"), /only a -nonroot image/);
        assert.match(imageProblems("pulumi/pulumi:latest-nonroot", { restricted: true }).join("\n"), /pin a version/);
        assert.match(imageProblems("pulumi/pulumi:3.258.0-nonroot", { restricted: true }).join("\n"), /no digest/);
        assert.match(imageProblems(`pulumi/pulumi:3.258.0-nonroot@sha256:${"0".repeat(64)}`, { restricted: true }).join("\n"), /not the digest/);
    });

    it("accepts each published tag scheme", () => {
        const digest = RULES.digests["pulumi/pulumi:3.258.0-nonroot"];
        assert.deepEqual(imageProblems(`pulumi/pulumi:3.258.0-nonroot@${digest}`, { restricted: true }), []);
        for (const tag of ["3.258.0", "3.258.0-debian", "3.258.0-ubi"]) {
            const problems = imageProblems(`pulumi/pulumi-java:${tag}@sha256:${"0".repeat(64)}`, { restricted: false });
            assert.deepEqual(problems.filter((problem) => !problem.includes("digest")), [], tag);
        }
    });

    it("the image's non-root user is the uid and gid the restricted profile runs as, and the profile sets no fsGroup", () => {
        assert.equal(RULES.restrictedProfile.runAsUser, RULES.nonroot.uid);
        assert.equal(RULES.restrictedProfile.runAsGroup, RULES.nonroot.gid);
        assert.equal(RULES.restrictedProfile.fsGroup, null, "so the Stack's pod template must set it for the cache volume");
    });
});
