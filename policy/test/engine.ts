// What the Pulumi engine does with a policy pack, for the tests: for each resource (type,
// name, urn, props, options) and each policy, settle the enforcement level and the config
// from the pack config file (format of `pulumi preview --policy-pack-config`), skip disabled
// policies, and collect the violations each reports.
import { EnforcementLevel, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import * as fs from "fs";
import * as path from "path";
import { policies, stackPolicies } from "../src/rules";

export interface PreviewResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    protect?: boolean;
}

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    urn: string;
    message: string;
}

/** Pulumi's wire value for an input not known until the update runs (a preview's ARNs, for one). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** What a policy that reads an unknown input reports at preview: an advisory, not a pass and not a failure. */
export const CANNOT_RUN_AT_PREVIEW = "can't run during preview: an input it reads is unknown";

class UnknownAtPreview extends Error {}

/** The props as a policy sees them at preview: reading an unknown value stops the policy, as @pulumi/policy's proxy does. */
function unknownChecking(value: any): any {
    if (value === UNKNOWN) {
        throw new UnknownAtPreview();
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    return new Proxy(value, { get: (target, key, receiver) => unknownChecking(Reflect.get(target, key, receiver)) });
}

export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export const POLICY_DIR = path.resolve(__dirname, "..", "..");
export const PROJECT_DIR = path.resolve(POLICY_DIR, "..");

export function loadPackConfig(stack: string): PackConfig {
    return JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", `${stack}.json`), "utf8"));
}

/** A policy's level as the CLI settles it from a pack config file: its own entry, then "all", then its default. */
export function levelOf(name: string, own: EnforcementLevel | undefined, config: PackConfig): EnforcementLevel {
    const entry = config[name];
    if (typeof entry === "string") {
        return entry;
    }
    if (entry?.enforcementLevel) {
        return entry.enforcementLevel;
    }
    const all = config["all"];
    if (typeof all === "string") {
        return all;
    }
    return own ?? "advisory";
}

/** The policy's config: schema defaults overlaid with the file's values, type-checked as the engine does. */
export function settledConfig(name: string, schema: Record<string, unknown>, config: PackConfig): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema)) {
        values[key] = (property as any).default;
    }
    const own = config[name];
    if (typeof own === "object") {
        for (const [key, value] of Object.entries(own)) {
            if (key === "enforcementLevel") {
                continue;
            }
            const property: any = (schema as any)[key];
            if (!property) {
                throw new Error(`pack config sets ${name}.${key}, which the policy does not have`);
            }
            const type = property.type === "integer" ? "number" : property.type;
            if (typeof value !== type) {
                throw new Error(`pack config ${name}.${key} must be ${property.type}`);
            }
            values[key] = value;
        }
    }
    return values;
}

export function evaluate(resources: PreviewResource[], config: PackConfig = { all: "mandatory" }): Violation[] {
    for (const key of Object.keys(config)) {
        if (key !== "all" && ![...policies, ...stackPolicies].some((policy) => policy.name === key)) {
            throw new Error(`pack config names ${key}, which is not a policy of the pack`);
        }
    }
    const violations: Violation[] = [];
    for (const policy of policies) {
        const level = levelOf(policy.name, policy.enforcementLevel, config);
        if (level === "disabled") {
            continue;
        }
        const policyConfig = settledConfig(policy.name, policy.configSchema?.properties ?? {}, config);
        for (const resource of resources) {
            const args = {
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                props: unknownChecking(resource.props),
                opts: { protect: resource.protect === true, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
                stackTags: new Map<string, string>(),
                getConfig: () => policyConfig,
            } as unknown as ResourceValidationArgs;
            const validate = policy.validateResource as (a: ResourceValidationArgs, r: (message: string) => void) => void;
            try {
                validate(args, (message: string) => violations.push({ policy: policy.name, level, urn: resource.urn, message }));
            } catch (e) {
                if (!(e instanceof UnknownAtPreview)) {
                    throw e;
                }
                violations.push({ policy: policy.name, level: "advisory", urn: resource.urn, message: CANNOT_RUN_AT_PREVIEW });
            }
        }
    }
    return violations;
}

/**
 * The stack policies over every resource, as AnalyzeStack runs them, with levels and config settled as
 * for the resource policies. Resources carry no property dependencies here (the offline previews
 * record none), so a rule must decide without them, as it must for a stack read back from state.
 */
export function evaluateStack(resources: PreviewResource[], config: PackConfig = { all: "mandatory" }): Violation[] {
    const violations: Violation[] = [];
    const stack = resources.map((resource) => ({
        type: resource.type, name: resource.name, urn: resource.urn, props: resource.props,
        opts: { protect: resource.protect === true }, dependencies: [], propertyDependencies: {},
        isType: () => false, asType: () => undefined,
    }) as unknown as PolicyResource);
    for (const policy of stackPolicies) {
        const level = levelOf(policy.name, policy.enforcementLevel, config);
        if (level === "disabled") {
            continue;
        }
        const policyConfig = settledConfig(policy.name, policy.configSchema?.properties ?? {}, config);
        const args = { resources: stack, getConfig: () => policyConfig } as unknown as StackValidationArgs;
        policy.validateStack(args, (message: string, urn?: string) => violations.push({ policy: policy.name, level, urn: urn ?? "", message }));
    }
    return violations;
}

/** A resource as the engine would pass it; urn built the way Pulumi builds it. */
export function resource(type: string, name: string, props: Record<string, any>, protect = false): PreviewResource {
    return { type, name, urn: `urn:pulumi:test::users-api::${type}::${name}`, props, protect };
}
