// bin/replay-stream-failures cloud, run as an operator runs it: the AWS CLI on PATH is a stand-in
// (delivery/fakes/aws) holding the failure queue and the stream function to the shapes the CLI's
// and the services' documentation give (delivery/test/aws-cli.json), and the stream is the
// project's own engine over DynamoDB Streams' wire protocol, where the script's replay
// (local/.../streams/FailureReplay, AWS SDK) reads it through AWS_ENDPOINT_URL_DYNAMODB_STREAMS.
// The queue's messages are Lambda's documented on-failure records naming ranges of that stream.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import YAML from "yaml";
import { ROOT, read } from "./repo.mjs";

const JAR = path.join(ROOT, "local", "target", "users-api-local.jar");
const RULES = JSON.parse(fs.readFileSync(path.join(ROOT, "delivery", "test", "aws-cli.json"), "utf8"));
const QUEUE = "https://sqs.us-east-1.amazonaws.com/000000000000/users-api-stream-failures";
const FUNCTION = "users-stream-3f2a";

let engine;
let endpoint;
let work;

/** One call of DynamoDB's or DynamoDB Streams' JSON protocol to the engine. */
async function call(target, body) {
    const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
        body: JSON.stringify(body),
    });
    const answer = await response.json();
    assert.ok(response.ok, `${target}: ${JSON.stringify(answer)}`);
    return answer;
}

/** Lambda's documented on-failure record for the records first..last of one shard. */
function failure(streamArn, shardId, records, startSequenceNumber = records[0].dynamodb.SequenceNumber) {
    const record = structuredClone(RULES.onFailureRecord.example);
    Object.assign(record.DDBStreamBatchInfo, {
        shardId, streamArn, startSequenceNumber, endSequenceNumber: records.at(-1).dynamodb.SequenceNumber, batchSize: records.length,
    });
    return JSON.stringify(record);
}

function replay(state) {
    const statePath = path.join(work, "aws.json");
    fs.writeFileSync(statePath, JSON.stringify({ invocations: [], ...state }));
    // Only what an operator's shell would carry: credentials, and no region, endpoint or profile of this machine's.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_")));
    Object.assign(env, {
        PATH: `${path.join(ROOT, "delivery", "fakes")}:${process.env.PATH}`,
        FAKE_AWS_STATE: statePath,
        AWS_ACCESS_KEY_ID: "replay-test",
        AWS_SECRET_ACCESS_KEY: "replay-test",
        AWS_CONFIG_FILE: path.join(work, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(work, "no-credentials"),
        AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoint,
    });
    return new Promise((resolve) => {
        const child = spawn("bash", [path.join(ROOT, "bin", "replay-stream-failures"), "cloud", QUEUE, `${FUNCTION}:live`], { env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => { stdout += chunk; });
        child.stderr.on("data", (chunk) => { stderr += chunk; });
        child.on("close", (status) => resolve({ status, stdout, stderr, state: JSON.parse(fs.readFileSync(statePath, "utf8")) }));
    });
}

before(async () => {
    assert.ok(fs.existsSync(JAR), `${JAR} is missing: the replay runs from the local stack's jar (mvn -pl local -am package, or the whole build)`);
    engine = spawn("java", ["-XX:TieredStopAtLevel=1", "-cp", JAR, "dev.usersapi.engine.wire.StandaloneEngine", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    endpoint = await new Promise((resolve, reject) => {
        let seen = "";
        engine.stdout.on("data", (chunk) => {
            seen += chunk;
            const match = /engine listening on (\S+)/.exec(seen);
            if (match) {
                resolve(match[1]);
            }
        });
        engine.on("exit", (code) => reject(new Error(`the engine stopped (${code}) before listening`)));
    });
});

after(() => engine?.kill());

beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "replay-"));
});

describe("bin/replay-stream-failures cloud", () => {
    it("replays each failed batch with the records of exactly its range, and removes only what the function took", async () => {
        const table = `users-${Date.now()}`;
        const created = await call("DynamoDB_20120810.CreateTable", {
            TableName: table, BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
            StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        });
        const streamArn = created.TableDescription.LatestStreamArn;
        for (let i = 0; i < 8; i++) {
            await call("DynamoDB_20120810.PutItem", { TableName: table, Item: { id: { S: `u${i}` }, email: { S: `u${i}@example.com` } } });
        }
        const shardId = (await call("DynamoDBStreams_20120810.DescribeStream", { StreamArn: streamArn })).StreamDescription.Shards[0].ShardId;
        const { ShardIterator } = await call("DynamoDBStreams_20120810.GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" });
        const records = (await call("DynamoDBStreams_20120810.GetRecords", { ShardIterator })).Records;
        assert.equal(records.length, 8);
        const before = (BigInt(records[0].dynamodb.SequenceNumber) - 1n).toString().padStart(records[0].dynamodb.SequenceNumber.length, "0");
        const gone = streamArn.replace(`table/${table}/`, `table/${table}-deleted/`);
        const messages = [
            ["taken", failure(streamArn, shardId, records.slice(0, 2))],
            // Older than anything the shard keeps, as a batch past the stream's 24 hours is: DynamoDB answers TrimmedDataAccessException.
            ["trimmed", failure(streamArn, shardId, records.slice(0, 1), before)],
            ["throttled", failure(streamArn, shardId, records.slice(2, 3))],
            ["stream gone", failure(gone, shardId, records.slice(0, 1))],
            ["function failed", failure(streamArn, shardId, records.slice(3, 4))],
            ["item failed", failure(streamArn, shardId, records.slice(4, 6))],
            ["not a failure record", "a message someone sent to try the queue"],
            ["slow", failure(streamArn, shardId, records.slice(6, 7))],
            ["taken too", failure(streamArn, shardId, records.slice(7, 8))],
        ].map(([MessageId, Body]) => ({ MessageId, Body }));

        // The prod stream function's timeout: a replay it runs to the end of must still be waited for, once.
        const prodTimeout = YAML.parse(read("stacks/Pulumi.prod.yaml")).config["users-api:functions"].stream.timeoutSeconds;
        const result = await replay({
            queues: { [QUEUE]: { messages } },
            functions: { [FUNCTION]: { outcomes: {
                [records[2].eventID]: "TooManyRequestsException", [records[3].eventID]: "Unhandled", [records[5].eventID]: "batchItemFailure",
                [records[6].eventID]: { durationSeconds: prodTimeout },
            } } },
        });

        assert.equal(result.status, 1, `some batches were not replayed: exit status 1\n${result.stdout}\n${result.stderr}`);
        const delivered = result.state.invocations.map(({ payload }) => payload.Records.map((record) => record.eventID));
        assert.deepEqual(delivered, [records.slice(0, 2), records.slice(3, 4), records.slice(4, 6), records.slice(6, 7), records.slice(7, 8)]
            .map((range) => range.map((record) => record.eventID)), "each replayable batch once, with exactly its range, in stream order; the throttled call reached no function");
        for (const { function: invoked, qualifier, payload } of result.state.invocations) {
            assert.equal(`${invoked}:${qualifier}`, `${FUNCTION}:live`);
            for (const record of payload.Records) {
                const read = records.find((candidate) => candidate.eventID === record.eventID);
                assert.deepEqual(record.dynamodb.Keys, read.dynamodb.Keys);
                assert.deepEqual(record.dynamodb.NewImage, read.dynamodb.NewImage);
                assert.equal(record.dynamodb.SequenceNumber, read.dynamodb.SequenceNumber);
                assert.equal(record.eventSourceARN, streamArn);
                assert.equal(record.awsRegion, streamArn.split(":")[3], "the stream's region, whatever region the shell names");
            }
        }
        assert.deepEqual(result.state.queues[QUEUE].messages.map((message) => message.MessageId),
            ["trimmed", "throttled", "stream gone", "function failed", "item failed", "not a failure record"],
            "a message is deleted only once the function took its batch");
        assert.match(result.stderr, /past its 24-hour retention/);
        assert.match(result.stderr, /no longer exists/);
        assert.match(result.stderr, /TooManyRequestsException/);
        assert.match(result.stderr, /not a DynamoDB stream failure record/);
        assert.equal(result.stderr.match(/failed again/g)?.length, 2, result.stderr);
        assert.match(result.stdout, /3 batch\(es\) replayed and removed, 6 left in the queue/);
    });

    it("says so and succeeds on an empty queue", async () => {
        // The prod stream function's timeout: a replay it runs to the end of must still be waited for, once.
        const prodTimeout = YAML.parse(read("stacks/Pulumi.prod.yaml")).config["users-api:functions"].stream.timeoutSeconds;
        const result = await replay({ queues: { [QUEUE]: { messages: [] } }, functions: { [FUNCTION]: {} } });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /the failure queue is empty/);
        assert.deepEqual(result.state.invocations, []);
    });
});

/** The real AWS CLIs here: Debian's (/usr/bin/aws, version 2, which .ci/run installs) and any other on PATH (pip's is version 1). */
function realClis() {
    const fakes = path.join(ROOT, "delivery", "fakes");
    const onPath = spawnSync("bash", ["-c", "type -ap aws"], { encoding: "utf8" }).stdout.split("\n").filter((file) => file && !file.startsWith(fakes));
    const found = new Map();
    const files = new Set(["/usr/bin/aws", ...onPath].filter((file) => fs.existsSync(file)).map((file) => fs.realpathSync(file)));
    for (const cli of files) {
        const version = spawnSync(cli, ["--version"], { encoding: "utf8" });
        const match = /aws-cli\/(\d+)\.\S+/.exec(`${version.stdout}${version.stderr}`);
        if (version.status === 0 && match && !found.has(match[1])) {
            found.set(match[1], { cli, version: match[0] });
        }
    }
    return [...found.values()];
}

function xml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * SQS and Lambda on loopback, answering what the stand-in answered: SQS in the JSON protocol (CLI
 * versions since late 2023) or the query protocol's XML (older ones, as Debian's 2.9), by what the
 * request speaks; Lambda's Invoke with its X-Amz-Function-Error and X-Amz-Executed-Version headers.
 */
function services(answers) {
    const server = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => { body += chunk; });
        request.on("end", () => {
            if (request.url.startsWith("/2015-03-31/functions/")) {
                answers.payloads.push(body);
                response.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "7", "x-amz-function-error": "Unhandled" });
                response.end(answers.invoke);
                return;
            }
            const query = new URLSearchParams(body);
            const empty = (query.get("QueueUrl") ?? JSON.parse(body || "{}").QueueUrl ?? "").endsWith("-empty");
            const messages = empty ? [] : answers.receive.Messages;
            if (request.headers["x-amz-target"]) {
                response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
                response.end(JSON.stringify(empty ? {} : { Messages: messages }));
                return;
            }
            response.writeHead(200, { "content-type": "text/xml" });
            response.end(`<ReceiveMessageResponse><ReceiveMessageResult>${messages.map((message) => `<Message>${Object.entries(message)
                .map(([key, value]) => `<${key}>${xml(value)}</${key}>`).join("")}</Message>`).join("")}</ReceiveMessageResult>`
                + "<ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></ReceiveMessageResponse>");
        });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("the stand-in aws", () => {
    it("prints what the real AWS CLIs print for the same answers, to the script's own calls", async (t) => {
        const clis = realClis();
        if (!clis.length) {
            assert.ok(!process.env.CI, "no AWS CLI on this machine: .ci/run installs Debian's awscli");
            t.skip("no AWS CLI on this machine");
            return;
        }
        const statePath = path.join(work, "aws.json");
        const event = path.join(work, "0.event.json");
        fs.writeFileSync(event, JSON.stringify({ Records: [{ eventID: "e1", dynamodb: { SequenceNumber: "1" } }] }));
        fs.writeFileSync(statePath, JSON.stringify({
            invocations: [],
            queues: { [QUEUE]: { messages: [{ MessageId: "m1", Body: failure(QUEUE, "shardId-1", [{ dynamodb: { SequenceNumber: "1" } }]) }] },
                [`${QUEUE}-empty`]: { messages: [] } },
            functions: { [FUNCTION]: { outcomes: { e1: "Unhandled" } } },
        }));
        const receive = (url) => ["sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--visibility-timeout", "300",
            "--wait-time-seconds", "20", "--output", "json"];
        const invoke = (answer) => ["lambda", "invoke", "--function-name", `${FUNCTION}:live`, "--payload", `fileb://${event}`, answer,
            "--query", "FunctionError", "--output", "text", "--cli-read-timeout", "960"];
        const fake = (args) => spawnSync(path.join(ROOT, "delivery", "fakes", "aws"), args, { encoding: "utf8", env: { ...process.env, FAKE_AWS_STATE: statePath } });
        const full = fake(receive(QUEUE));
        const empty = fake(receive(`${QUEUE}-empty`));
        const invoked = fake(invoke(path.join(work, "fake-answer.json")));
        assert.equal(invoked.status, 0, invoked.stderr);

        const payloads = [];
        const server = await services({ receive: JSON.parse(full.stdout), invoke: fs.readFileSync(path.join(work, "fake-answer.json"), "utf8"), payloads });
        const local = `http://127.0.0.1:${server.address().port}`;
        try {
            const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_"))),
                AWS_ACCESS_KEY_ID: "replay-test", AWS_SECRET_ACCESS_KEY: "replay-test", AWS_DEFAULT_REGION: "us-east-1",
                AWS_CONFIG_FILE: path.join(work, "no-config"), AWS_SHARED_CREDENTIALS_FILE: path.join(work, "no-credentials") };
            const real = async (cli, args) => new Promise((resolve) => {
                const child = spawn(cli, ["--endpoint-url", local, ...args], { env });
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (chunk) => { stdout += chunk; });
                child.stderr.on("data", (chunk) => { stderr += chunk; });
                child.on("close", (status) => resolve({ status, stdout, stderr }));
            });
            const url = (queue) => queue.replace("https://sqs.us-east-1.amazonaws.com", local);
            const printed = await Promise.all(clis.map(({ cli, version }) => Promise.all([real(cli, receive(url(QUEUE))),
                real(cli, receive(url(`${QUEUE}-empty`))), real(cli, invoke(path.join(work, `${version.replace("/", "-")}-answer.json`)))])));
            for (const [index, { version }] of clis.entries()) {
                const [printedFull, printedEmpty, printedInvoke] = printed[index];
                assert.equal(full.stdout, printedFull.stdout, `${version}: receive-message\n${printedFull.stderr}`);
                assert.equal(empty.stdout, printedEmpty.stdout, `${version}: receive-message on an empty queue prints nothing\n${printedEmpty.stderr}`);
                assert.equal(invoked.stdout, printedInvoke.stdout, `${version}: lambda invoke --query FunctionError --output text\n${printedInvoke.stderr}`);
                assert.equal(fs.readFileSync(path.join(work, `${version.replace("/", "-")}-answer.json`), "utf8"),
                    fs.readFileSync(path.join(work, "fake-answer.json"), "utf8"), `${version}: the outfile holds the function's answer`);
            }
            // fileb:// sends the file's bytes as they are, with no --cli-binary-format, whichever the version.
            assert.deepEqual(payloads, clis.map(() => fs.readFileSync(event, "utf8")));
        } finally {
            server.close();
        }
    });
});
