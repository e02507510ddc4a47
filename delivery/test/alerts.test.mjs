// Review finding 14: a Stack whose updates fail (every 10 minutes each ends with the smoke check
// through the deployed API) pages someone. operator/alerts/stacks-failing.yaml is a PrometheusRule
// on the operator's own gauge stacks_failing{namespace,name}; it is held to the Prometheus
// Operator's CRD schema (prometheus-crds/, vendored) and to what the operator really exports
// (pko-metrics.json, from its source at v2.9.0), and each of the rendered Stacks is covered.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import YAML from "yaml";
import { ENVIRONMENTS, ROOT, read, render, strict } from "./repo.mjs";

const METRICS = JSON.parse(fs.readFileSync(new URL("./pko-metrics.json", import.meta.url), "utf8"));
const SCHEMA = JSON.parse(fs.readFileSync(new URL("./prometheus-crds/prometheusrule_v1.json", import.meta.url), "utf8"));
const FILE = "operator/alerts/stacks-failing.yaml";

/** The vector selectors of a PromQL expression: metric name and label matchers. */
function selectors(expr) {
    return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, body]) => ({
        metric,
        matchers: [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, label, op, value]) => ({ label, op, value })),
    }));
}

/** Whether a matcher selects a label value, as Prometheus matches: regular expressions are fully anchored. */
function selects({ op, value }, actual) {
    switch (op) {
        case "=": return actual === value;
        case "!=": return actual !== value;
        case "=~": return new RegExp(`^(?:${value})$`).test(actual);
        default: return !new RegExp(`^(?:${value})$`).test(actual);
    }
}

describe("a failing Stack pages", () => {
    const rule = YAML.parse(read(FILE));
    const alerts = rule.spec.groups.flatMap((group) => group.rules).filter((candidate) => candidate.alert);
    const stacks = ENVIRONMENTS.map((environment) => render(environment).find((document) => document.kind === "Stack"));

    it("is a PrometheusRule the Prometheus Operator's schema accepts, unknown fields rejected", () => {
        // The CRD's patterns are Go regular expressions: "(?i)" (case-insensitive) becomes JavaScript's i flag.
        const goRegExp = (pattern, flags) => pattern.includes("(?i)") ? new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`) : new RegExp(pattern, flags);
        goRegExp.code = "new RegExp";
        const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } }).compile(strict(SCHEMA));
        assert.ok(validate(rule), JSON.stringify(validate.errors, null, 2));
        assert.equal(rule.apiVersion, "monitoring.coreos.com/v1");
        assert.equal(rule.kind, "PrometheusRule");
        const misspelt = structuredClone(rule);
        misspelt.spec.groups[0].rules[0].fore = "15m";
        assert.equal(validate(misspelt), false, "the strict schema catches a misspelt field");
    });

    it("alerts on the gauge the operator exports, by the labels it has once scraped", () => {
        for (const alert of alerts) {
            const found = selectors(alert.expr);
            assert.ok(found.length > 0, alert.alert);
            for (const { metric, matchers } of found) {
                assert.ok(METRICS.exported.includes(metric), `${alert.alert}: the operator exports no ${metric}`);
                assert.equal(metric, "stacks_failing");
                const labels = new Set([...METRICS.labels[metric], ...METRICS.namespaceLabelOnceScraped]);
                for (const { label } of matchers) {
                    assert.ok(labels.has(label), `${alert.alert}: ${metric} has no label ${label}`);
                }
            }
            // Either way the namespace label arrives (exported_namespace behind a ServiceMonitor, namespace with honor_labels).
            const namespaceLabels = found.map(({ matchers }) => matchers.find((m) => METRICS.namespaceLabelOnceScraped.includes(m.label)));
            assert.deepEqual(namespaceLabels.map((m) => m.label).sort(), [...METRICS.namespaceLabelOnceScraped].sort(), alert.alert);
            for (const matcher of namespaceLabels) {
                assert.ok(stacks.every((stack) => stack.metadata.namespace === matcher.value), `${alert.alert}: the Stacks live in ${stacks[0].metadata.namespace}`);
            }
            assert.match(alert.expr, /\)\s*>\s*0\s*$/, `${alert.alert}: fires while the gauge is 1`);
            assert.equal([...alert.expr].filter((c) => c === "(").length, [...alert.expr].filter((c) => c === ")").length);
        }
    });

    it("covers every environment's Stack, prod's paging within 15 minutes", () => {
        const covering = (stack) => alerts.filter((alert) => selectors(alert.expr).some(({ matchers }) =>
            matchers.filter((m) => m.label === "name").every((m) => selects(m, stack.metadata.name))));
        for (const stack of stacks) {
            assert.equal(covering(stack).length, 1, `${stack.metadata.name} is covered by exactly one alert`);
        }
        const [prodAlert] = covering(stacks.find((stack) => stack.metadata.name.endsWith("-prod")));
        assert.equal(prodAlert.labels.severity, "critical");
        assert.equal(prodAlert.for, "15m");
        // A selector that matches no Stack name is a typo, not an alert.
        for (const alert of alerts) {
            assert.ok(stacks.some((stack) => covering(stack).includes(alert)), `${alert.alert} matches no rendered Stack`);
        }
    });

    it("points on-call at the runbook's entry, and the README says how it is installed", () => {
        const runbooks = read("docs/runbooks.md");
        for (const alert of alerts) {
            const [file, anchor] = alert.annotations.runbook_url.split("#");
            assert.equal(file, "docs/runbooks.md");
            const headings = [...runbooks.matchAll(/^#+ (?:<a id="([^"]+)"><\/a>)?(.+)$/gm)]
                .flatMap(([, id, title]) => [id, title.toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")]);
            assert.ok(headings.includes(anchor), `${alert.alert}: no runbook heading #${anchor}`);
        }
        assert.ok(fs.existsSync(path.join(ROOT, FILE)));
        assert.match(read("README.md"), new RegExp(`kubectl apply -f ${FILE.replace(/\./g, "\\.")}`));
    });
});
