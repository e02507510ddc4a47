// The pack as the Pulumi CLI runs it: started through its real entry (`@pulumi/pulumi`'s
// run-policy-pack on the pack's directory, what the CLI's `pulumi-analyzer-policy` plugin runs),
// then driven over its gRPC Analyzer interface with what the Java program really registered:
// stacks/target/engine-preview/<stack>.json, written by the stacks module's PulumiCliPreviewTest,
// which runs the program as the Pulumi CLI does.
import assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as api from "../src/rules/api";
import * as iam from "../src/rules/iam";
import * as retention from "../src/rules/retention";
import * as table from "../src/rules/table";
import { CANNOT_RUN_AT_PREVIEW, evaluate, levelOf, loadPackConfig, PackConfig, POLICY_DIR, PROJECT_DIR, settledConfig } from "./engine";

// google-protobuf ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const STACKS = ["dev", "staging", "prod"];
const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const WIRE_LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

interface Registered {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    protect: boolean;
    props: Record<string, any>;
}

interface Diagnostic {
    policy: string;
    level: string;
    urn: string;
    message: string;
}

function enginePreview(stack: string): Registered[] {
    const file = path.join(PROJECT_DIR, "stacks", "target", "engine-preview", `${stack}.json`);
    assert.ok(fs.existsSync(file), `${file} is written by the stacks module's PulumiCliPreviewTest (mvn verify runs it first)`);
    return JSON.parse(fs.readFileSync(file, "utf8")).resources;
}

let pack: ChildProcess;
let packStderr = "";
let engineServer: grpc.Server;
const engineLogs: string[] = [];
let analyzer: analyzerGrpc.AnalyzerClient;

function call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => method.call(analyzer, req, (err, res) => (err ? reject(err) : resolve(res))));
}

before(async () => {
    // The engine's address is the first argument the CLI passes; the pack may log to it.
    engineServer = new grpc.Server();
    engineServer.addService(engineGrpc.EngineService, {
        log: (request: any, callback: any) => { engineLogs.push(`${request.request.getSeverity()}: ${request.request.getMessage()}`); callback(null, new Empty()); },
    } as any);
    const enginePort = await new Promise<number>((resolve, reject) =>
        engineServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_DIR] });
    pack = spawn(process.execPath, [runPolicyPack, `127.0.0.1:${enginePort}`, POLICY_DIR], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    pack.stderr!.on("data", (chunk) => { packStderr += chunk; });
    const port = await new Promise<number>((resolve, reject) => {
        let stdout = "";
        pack.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const line = stdout.split("\n")[0];
            if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
                resolve(Number(line.trim()));
            }
        });
        pack.on("exit", (code) => reject(new Error(`the pack exited (${code}) before printing its port:\n${stdout}\n${packStderr}`)));
    });
    analyzer = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
    analyzer?.close();
    pack?.kill();
    engineServer?.forceShutdown();
});

async function info(): Promise<analyzerPb.AnalyzerInfo> {
    return call(analyzer.getAnalyzerInfo, new Empty());
}

/** Configure, as the CLI does with `--policy-pack-config <file>`: every policy gets its settled level and config. */
async function configure(config: PackConfig): Promise<void> {
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    for (const policy of (await info()).getPoliciesList()) {
        const own = LEVELS[policy.getEnforcementlevel()] as any;
        const schema = policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
        const policyConfig = new analyzerPb.PolicyConfig();
        policyConfig.setEnforcementlevel(WIRE_LEVELS[levelOf(policy.getName(), own, config)]);
        policyConfig.setProperties(Struct.fromJavaScript(settledConfig(policy.getName(), schema, config)));
        request.getPolicyconfigMap().set(policy.getName(), policyConfig);
    }
    await call(analyzer.configure, request);
}

function options(resource: Registered): analyzerPb.AnalyzerResourceOptions {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(resource.protect);
    return opts;
}

function diagnostics(list: analyzerPb.AnalyzeDiagnostic[], fallbackUrn: string): Diagnostic[] {
    return list.map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], urn: d.getUrn() || fallbackUrn, message: d.getMessage() }));
}

/** `pulumi preview --policy-pack`: Analyze for each resource the program registered. */
async function analyzeEach(resources: Registered[]): Promise<Diagnostic[]> {
    const found: Diagnostic[] = [];
    for (const resource of resources.filter((r) => r.custom)) {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(resource.urn);
        request.setProperties(Struct.fromJavaScript(resource.props));
        request.setOptions(options(resource));
        const response: analyzerPb.AnalyzeResponse = await call(analyzer.analyze, request);
        found.push(...diagnostics(response.getDiagnosticsList(), resource.urn));
    }
    return found;
}

async function analyzeStack(resources: Registered[]): Promise<Diagnostic[]> {
    const request = new analyzerPb.AnalyzeStackRequest();
    for (const resource of resources) {
        const entry = new analyzerPb.AnalyzerResource();
        entry.setType(resource.type);
        entry.setName(resource.name);
        entry.setUrn(resource.urn);
        entry.setParent(resource.parent);
        entry.setProperties(Struct.fromJavaScript(resource.props));
        entry.setOptions(options(resource));
        request.addResources(entry);
    }
    const response: analyzerPb.AnalyzeResponse = await call(analyzer.analyzeStack, request);
    return diagnostics(response.getDiagnosticsList(), "");
}

/** The pack prefixes a violation with the policy's description; a policy stopped by an unknown says so instead. */
function sorted(list: Diagnostic[]): string[] {
    const text = (d: Diagnostic) => d.message.startsWith("can't run ") ? CANNOT_RUN_AT_PREVIEW : d.message.split("\n").slice(1).join("\n");
    return list.map((d) => `${d.level} ${d.policy} ${d.urn}: ${text(d)}`).sort();
}

function changed(resources: Registered[], type: string, name: string, change: (props: Record<string, any>) => void): Registered[] {
    return resources.map((resource) => {
        if (resource.type !== type || resource.name !== name) {
            return resource;
        }
        const props = structuredClone(resource.props);
        change(props);
        return { ...resource, props };
    });
}

describe("the pack through its real entry", () => {
    it("loads from its package.json main without a fallback or a warning", () => {
        assert.doesNotMatch(packStderr, /DEP0128|Invalid 'main'/);
        const main = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).main;
        // Tracked by git, not built: dist/ exists here only because the tests were compiled.
        execFileSync("git", ["ls-files", "--error-unmatch", main], { cwd: POLICY_DIR, stdio: "ignore" });
    });

    it("publishes, as `pulumi policy publish` packs it (npm pack), the entry and rules the CLI loads", () => {
        const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: POLICY_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
        const files: string[] = packed[0].files.map((file: { path: string }) => file.path);
        const main = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).main;
        for (const needed of ["PulumiPolicy.yaml", "package.json", main, "src/rules/index.ts"]) {
            assert.ok(files.includes(needed), `${needed} is in the published pack`);
        }
    });

    it("names its policies and their enforcement levels", async () => {
        const policies = (await info()).getPoliciesList().map((p) => [p.getName(), LEVELS[p.getEnforcementlevel()]]).sort();
        assert.deepEqual(policies, [
            ["apigateway-preflight-route-needs-cors", "mandatory"],
            ["apigateway-routes-require-authorizer", "mandatory"],
            ["cloudwatch-log-retention", "mandatory"],
            ["dynamodb-deletion-protection", "mandatory"],
            ["dynamodb-encryption", "mandatory"],
            ["dynamodb-pay-per-request", "mandatory"],
            ["dynamodb-point-in-time-recovery", "mandatory"],
            ["iam-no-wildcards", "mandatory"],
            ["lambda-stream-failure-handling", "mandatory"],
            ["sns-alarm-topic-customer-managed-key", "mandatory"],
            ["users-retention-off", "mandatory"],
        ]);
    });

    for (const stack of STACKS) {
        it(`reports for ${stack}, with its pack config, exactly what the emulated engine reports`, async () => {
            const config = loadPackConfig(stack);
            await configure(config);
            const registered = enginePreview(stack);
            assert.ok(registered.length > 20, "the program's whole stack");
            const real = await analyzeEach(registered);
            const expected = evaluate(registered.filter((r) => r.custom), config)
                .map((v) => ({ ...v, message: v.message === CANNOT_RUN_AT_PREVIEW ? v.message : `description\n${v.message}` }));
            assert.deepEqual(sorted(real), sorted(expected));
            assert.deepEqual(real.filter((d) => d.level === "mandatory"), [], "no mandatory violation");
            assert.deepEqual(await analyzeStack(registered), [], "the pack has no stack policy that fails");
        });
    }

    describe("a mutated stack fails each mandatory policy", () => {
        const mutations: Array<[string, string, (r: Registered[]) => Registered[]]> = [
            ["dev", "dynamodb-point-in-time-recovery", (r) => changed(r, table.TABLE_TYPE, "users", (p) => { p.pointInTimeRecovery = { enabled: false }; })],
            ["dev", "dynamodb-pay-per-request", (r) => changed(r, table.TABLE_TYPE, "users", (p) => {
                p.billingMode = "PROVISIONED"; p.readCapacity = 30; p.writeCapacity = 30;
            })],
            ["dev", "dynamodb-encryption", (r) => changed(r, table.TABLE_TYPE, "users", (p) => { delete p.serverSideEncryption; })],
            ["dev", "iam-no-wildcards", (r) => changed(r, iam.ROLE_POLICY_TYPE, "users-api-policy", (p) => {
                p.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/users" }] });
            })],
            ["prod", "apigateway-routes-require-authorizer", (r) => changed(r, api.ROUTE_TYPE, "users-http-api-route-get-users", (p) => {
                p.authorizationType = "NONE"; delete p.authorizerId;
            })],
            // At preview the variables are unknown (they name the tables): as `pulumi up` sees them once known.
            ["prod", "users-retention-off", (r) => changed(r, retention.FUNCTION_TYPE, "users-api", (p) => {
                p.environment = { variables: { USERS_TABLE: "users-0a1b2c3", USERS_RETENTION: "P5D" } };
            })],
        ];
        for (const [stack, policy, mutate] of mutations) {
            it(`${policy} in ${stack}`, async () => {
                await configure(loadPackConfig(stack));
                const violations = (await analyzeEach(mutate(enginePreview(stack)))).filter((d) => d.level === "mandatory");
                assert.deepEqual([...new Set(violations.map((d) => d.policy))], [policy]);
            });
        }
    });

    it("refuses dev's unauthorized preflight route once its API has no CORS configuration, in AnalyzeStack", async () => {
        await configure(loadPackConfig("dev"));
        const withoutCors = changed(enginePreview("dev"), api.API_TYPE, "users-http-api", (p) => { delete p.corsConfiguration; });
        const found = (await analyzeStack(withoutCors)).filter((d) => d.level === "mandatory");
        assert.deepEqual(found.map((d) => [d.policy, d.message.split("\n").slice(1).join("\n")]),
            [["apigateway-preflight-route-needs-cors", api.preflightRouteWithoutCors(api.PREFLIGHT_ROUTE)]]);
    });

    it("logs no error to the engine", () => {
        assert.deepEqual(engineLogs.filter((log) => log.startsWith("3")), []);
    });
});
