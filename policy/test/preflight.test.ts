// The one exception of apigateway-routes-require-authorizer: an unauthorized OPTIONS /{proxy+} route
// only on an API with a CORS configuration (API Gateway developer guide, "Configure CORS for HTTP APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html: the $default route
// catches OPTIONS requests; add an OPTIONS /{proxy+} route that doesn't require authorization).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import * as api from "../src/rules/api";
import { levelOf, loadPackConfig, UNKNOWN } from "./engine";

const CORS = { allowOrigins: ["http://localhost:3000"], allowMethods: ["GET", "OPTIONS"], maxAge: 300 };

function resource(type: string, name: string, props: Record<string, any>, propertyDependencies: Record<string, PolicyResource[]> = {}): PolicyResource {
    return { type, name, urn: `urn:pulumi:dev::users-api::${type}::${name}`, props, opts: {} as any, dependencies: [], propertyDependencies,
        isType: () => false, asType: () => undefined } as unknown as PolicyResource;
}

function violations(resources: PolicyResource[]): string[] {
    const found: string[] = [];
    const args = { resources, getConfig: () => ({}) } as unknown as StackValidationArgs;
    api.preflightRouteNeedsCors.validateStack(args, (message: string) => found.push(message));
    return found;
}

const preflight = (apiId: string, deps: PolicyResource[] = []) => resource(api.ROUTE_TYPE, "options-proxy",
    { apiId, routeKey: api.PREFLIGHT_ROUTE, authorizationType: "NONE" }, deps.length > 0 ? { apiId: deps } : {});

describe("apigateway-preflight-route-needs-cors", () => {
    it("passes the unauthorized preflight route of an API with CORS (a new API: id unknown, found by its dependency)", () => {
        const withCors = resource(api.API_TYPE, "http", { protocolType: "HTTP", corsConfiguration: CORS });
        assert.deepEqual(violations([withCors, preflight(UNKNOWN, [withCors])]), []);
    });
    it("reports it on an API without CORS, whether found by dependency, by id, or as the stack's only API", () => {
        const without = resource(api.API_TYPE, "http", { protocolType: "HTTP", id: "a1b2c3" });
        const expected = [api.preflightRouteWithoutCors(api.PREFLIGHT_ROUTE)];
        assert.deepEqual(violations([without, preflight(UNKNOWN, [without])]), expected);
        assert.deepEqual(violations([without, preflight("a1b2c3")]), expected);
        assert.deepEqual(violations([without, preflight(UNKNOWN)]), expected);
        assert.deepEqual(violations([preflight(UNKNOWN)]), expected, "no API at all");
    });
    it("judges the route's own API, not another API of the stack that has CORS", () => {
        const withCors = resource(api.API_TYPE, "web", { protocolType: "HTTP", corsConfiguration: CORS, id: "web1" });
        const without = resource(api.API_TYPE, "internal", { protocolType: "HTTP", id: "int1" });
        assert.deepEqual(violations([withCors, without, preflight(UNKNOWN, [without])]), [api.preflightRouteWithoutCors(api.PREFLIGHT_ROUTE)]);
        assert.deepEqual(violations([withCors, without, preflight("int1")]), [api.preflightRouteWithoutCors(api.PREFLIGHT_ROUTE)]);
        assert.deepEqual(violations([withCors, without, preflight("web1")]), []);
    });
    it("leaves authorized OPTIONS routes and every other route to apigateway-routes-require-authorizer", () => {
        const without = resource(api.API_TYPE, "http", { protocolType: "HTTP" });
        const jwt = resource(api.ROUTE_TYPE, "options-jwt", { routeKey: api.PREFLIGHT_ROUTE, authorizationType: "JWT", authorizationScopes: ["s"] });
        const other = resource(api.ROUTE_TYPE, "get", { routeKey: "GET /users", authorizationType: "NONE" });
        assert.deepEqual(violations([without, jwt, other]), []);
    });
    it("is mandatory in every environment's pack config", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            assert.equal(levelOf(api.preflightRouteNeedsCors.name, api.preflightRouteNeedsCors.enforcementLevel, loadPackConfig(stack)), "mandatory", stack);
        }
    });
});
