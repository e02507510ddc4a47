import { ResourceValidationPolicy } from "@pulumi/policy";

export const ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
export const POLICY_TYPE = "aws:iam/policy:Policy";
export const ROLE_TYPE = "aws:iam/role:Role";

export function wildcardAction(action: string): string {
    return `IAM policies must name exact actions: "${action}" is a wildcard. List the actions the function calls instead.`;
}
export function wildcardResource(action: string): string {
    return `IAM policies must name exact resources: "${action}" is granted on "*". Scope it to the ARNs the function uses.`;
}
export const NEGATED_STATEMENT =
    "IAM policies must not use NotAction or NotResource: they grant everything not listed. Use Action and Resource with exact values.";

function list(value: unknown): string[] {
    if (value === undefined) {
        return [];
    }
    return (Array.isArray(value) ? value : [value]).map(String);
}

/** The violations of one policy document; a document not yet known (a preview's unknown output) has none to report. */
export function documentViolations(document: unknown): string[] {
    let parsed: any = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return [];
        }
    }
    if (typeof parsed !== "object" || parsed === null) {
        return [];
    }
    const violations: string[] = [];
    const statements: any[] = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    for (const statement of statements) {
        if (statement.Effect !== "Allow") {
            continue;
        }
        if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
            violations.push(NEGATED_STATEMENT);
        }
        const actions = list(statement.Action);
        for (const action of actions) {
            if (action.includes("*")) {
                violations.push(wildcardAction(action));
            }
        }
        if (list(statement.Resource).includes("*")) {
            for (const action of actions) {
                violations.push(wildcardResource(action));
            }
        }
    }
    return violations;
}

export const noWildcards: ResourceValidationPolicy = {
    name: "iam-no-wildcards",
    description: "No IAM policy of this stack grants a wildcard action or a \"*\" resource.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const documents: unknown[] = [];
        if (args.type === ROLE_POLICY_TYPE || args.type === POLICY_TYPE) {
            documents.push(args.props.policy);
        } else if (args.type === ROLE_TYPE) {
            for (const inline of args.props.inlinePolicies ?? []) {
                documents.push(inline.policy);
            }
        }
        for (const document of documents) {
            documentViolations(document).forEach((message) => reportViolation(message));
        }
    },
};
