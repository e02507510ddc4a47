// A stand-in for Pulumi Cloud's "List Stack Updates" endpoint, by the rules of
// delivery/test/pulumi-cloud-api.json (its sources are in it): the token scheme and Accept header
// every call must carry, a stack's updates newest first as apitype.GetHistoryResponse, page and
// pageSize paging, 404 for a stack the token cannot see, 401 without a valid token.
import * as fs from "node:fs";
import * as http from "node:http";

const RULES = JSON.parse(fs.readFileSync(new URL("../test/pulumi-cloud-api.json", import.meta.url), "utf8"));

/**
 * Serves `stacks` ({ "org/project/stack": [UpdateInfo, oldest first] }, read at each request) to
 * holders of `token`; resolves to { url, requests, close }.
 */
export function startPulumiCloud({ token, stacks }) {
    const requests = [];
    const server = http.createServer((request, response) => {
        requests.push({ method: request.method, url: request.url, headers: request.headers });
        const reply = (status, body) => {
            response.writeHead(status, { "Content-Type": "application/json" });
            response.end(JSON.stringify(body));
        };
        if (request.headers.authorization !== `${RULES.authorizationScheme} ${token}`) {
            return reply(401, { code: 401, message: "Unauthorized: No credentials provided or are invalid." });
        }
        if (request.headers.accept !== RULES.accept) {
            return reply(400, { code: 400, message: `expected Accept: ${RULES.accept}` });
        }
        const url = new URL(request.url, "http://localhost");
        const match = /^\/api\/stacks\/([^/]+)\/([^/]+)\/([^/]+)\/updates$/.exec(url.pathname);
        if (request.method !== "GET" || !match) {
            return reply(404, { code: 404, message: "Not Found" });
        }
        const updates = stacks[match.slice(1).join("/")];
        if (!updates) {
            return reply(404, { code: 404, message: `Stack '${match[3]}' not found` });
        }
        for (const update of updates) {
            if (!RULES.kinds.includes(update.kind) || !RULES.results.includes(update.result)) {
                return reply(500, { code: 500, message: `no such update kind or result in Pulumi's apitype: ${update.kind} ${update.result}` });
            }
        }
        let newestFirst = [...updates].reverse().map((update, index) => ({ version: updates.length - index, ...update }));
        const page = Number(url.searchParams.get("page") ?? 0);
        const pageSize = Number(url.searchParams.get("pageSize") ?? 0);
        if (page > 0 && pageSize > 0) {
            newestFirst = newestFirst.slice((page - 1) * pageSize, page * pageSize);
        }
        return reply(200, { updates: newestFirst });
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => resolve({
            url: `http://127.0.0.1:${server.address().port}`,
            requests,
            close: () => new Promise((done) => server.close(done)),
        }));
    });
}

/** An update of the operator's kind: `pulumi up` on `commit`, ended with `result`. */
export function update(commit, result = "succeeded", kind = "update") {
    return { kind, startTime: 1767225600, message: "", environment: { [RULES.gitHeadKey]: commit, "git.headName": "refs/heads/env/staging" },
        config: {}, result, endTime: 1767225900 };
}
