// Environments are isolated: each overlay's workspace assumes its own deployer role, which trusts
// that workspace's service account alone, and reads its own Pulumi access token. A commit on main
// (dev) runs with dev's rights only, so the staging-to-prod gate cannot be bypassed.
//
// The trust conditions are the ones AWS documents:
// - IRSA: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
//   (sts:AssumeRoleWithWebIdentity from the cluster's OIDC provider, StringEquals on
//   "<provider>:sub" = "system:serviceaccount:<namespace>:<service account>" and "<provider>:aud" = "sts.amazonaws.com")
// - EKS Pod Identity: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
//   (pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession, StringEquals on the session tags
//   aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import YAML from "yaml";
import { ENVIRONMENTS, read, render } from "./repo.mjs";

const ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

function trustPolicy(environment) {
    return JSON.parse(read(`operator/iam/deployer-trust-${environment}.json`));
}

/** The service account, role and token secret an environment's rendered manifests use. */
function identity(documents) {
    const account = documents.find((document) => document.kind === "ServiceAccount");
    const stack = documents.find((document) => document.kind === "Stack");
    assert.equal(stack.spec.serviceAccountName, account.metadata.name);
    const token = stack.spec.envRefs.PULUMI_ACCESS_TOKEN;
    assert.equal(token.type, "Secret");
    return {
        subject: `system:serviceaccount:${account.metadata.namespace}:${account.metadata.name}`,
        namespace: account.metadata.namespace,
        serviceAccount: account.metadata.name,
        role: account.metadata.annotations?.[ROLE_ANNOTATION],
        secret: token.secret.name,
    };
}

/** Who may assume the role, statement by statement, and on which exact condition. */
function trusted(policy) {
    return policy.Statement.filter((statement) => statement.Effect === "Allow").map((statement) => {
        assert.deepEqual(Object.keys(statement.Condition ?? {}), ["StringEquals"],
            `${statement.Sid}: trust only on exact values (StringEquals), never a pattern`);
        const actions = [statement.Action].flat().sort();
        const equals = statement.Condition.StringEquals;
        if (statement.Principal.Federated) {
            const provider = statement.Principal.Federated.replace(/^arn:aws:iam::\d{12}:oidc-provider\//, "");
            assert.notEqual(provider, statement.Principal.Federated, "an EKS cluster's OIDC provider");
            assert.deepEqual(actions, ["sts:AssumeRoleWithWebIdentity"]);
            assert.equal(equals[`${provider}:aud`], "sts.amazonaws.com");
            return { mechanism: "irsa", subject: equals[`${provider}:sub`] };
        }
        assert.deepEqual(statement.Principal, { Service: "pods.eks.amazonaws.com" }, `${statement.Sid}: no other principal`);
        assert.deepEqual(actions, ["sts:AssumeRole", "sts:TagSession"]);
        return {
            mechanism: "pod-identity",
            subject: `system:serviceaccount:${equals["aws:RequestTag/kubernetes-namespace"]}:${equals["aws:RequestTag/kubernetes-service-account"]}`,
        };
    });
}

describe("environment isolation", () => {
    const identities = Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, identity(render(environment))]));

    it("each environment's workspace assumes its own deployer role and reads its own Pulumi token", () => {
        for (const environment of ENVIRONMENTS) {
            const { role, secret } = identities[environment];
            assert.match(role, new RegExp(`^arn:aws:iam::\\d{12}:role/users-api-deployer-${environment}$`), environment);
            assert.equal(secret, `pulumi-access-token-${environment}`);
        }
        const roles = ENVIRONMENTS.map((environment) => identities[environment].role);
        const secrets = ENVIRONMENTS.map((environment) => identities[environment].secret);
        assert.equal(new Set(roles).size, ENVIRONMENTS.length, "no role shared");
        assert.equal(new Set(secrets).size, ENVIRONMENTS.length, "no token shared");
    });

    it("each deployer role trusts exactly its own environment's service account, by IRSA or Pod Identity", () => {
        for (const environment of ENVIRONMENTS) {
            assertTrustsOnlyItsOwn(environment, trustPolicy(environment), identities);
        }
    });

    it("a trust policy that names another environment's workspace, or any workspace, is caught", () => {
        const widened = trustPolicy("prod");
        const irsa = widened.Statement.find((statement) => statement.Principal.Federated);
        const key = Object.keys(irsa.Condition.StringEquals).find((name) => name.endsWith(":sub"));
        irsa.Condition.StringEquals[key] = identities.dev.subject;
        assert.throws(() => assertTrustsOnlyItsOwn("prod", widened, identities), /prod \(irsa\)/);
        const pattern = trustPolicy("prod");
        const statement = pattern.Statement.find((s) => s.Principal.Federated);
        statement.Condition = { StringLike: { [key]: "system:serviceaccount:users-api:*" } };
        assert.throws(() => trusted(pattern), /StringEquals/);
    });

    it("the base gives no role: an overlay without its own gets no AWS access rather than another's", () => {
        const base = YAML.parseAllDocuments(read("operator/base/workspace-rbac.yaml")).map((document) => document.toJS());
        const account = base.find((document) => document.kind === "ServiceAccount");
        assert.equal(account.metadata.annotations?.[ROLE_ANNOTATION], undefined);
    });

    it("the base names no Pulumi token: an overlay without its own gets no Pulumi access rather than another's", () => {
        const stack = YAML.parse(read("operator/base/stack.yaml"));
        assert.equal(stack.spec.envRefs?.PULUMI_ACCESS_TOKEN, undefined);
    });
});

it("the README creates one role and one token secret per environment", () => {
    const readme = read("README.md");
    assert.match(readme, /operator\/iam\/deployer-trust-\$e\.json/);
    assert.match(readme, /users-api-deployer-\$e/);
    assert.match(readme, /pulumi-access-token-\$e/);
    assert.doesNotMatch(readme, /secret generic pulumi-access-token /, "no shared token secret");
});

function assertTrustsOnlyItsOwn(environment, policy, identities) {
    const trusts = trusted(policy);
    assert.deepEqual(trusts.map((trust) => trust.mechanism).sort(), ["irsa", "pod-identity"]);
    for (const trust of trusts) {
        assert.equal(trust.subject, identities[environment].subject, `${environment} (${trust.mechanism})`);
    }
}
