import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { known } from "./known";

export const ROUTE_TYPE = "aws:apigatewayv2/route:Route";
export const API_TYPE = "aws:apigatewayv2/api:Api";

/**
 * The one route that may go without an authorizer, and only on an API with a CORS configuration: a
 * browser's preflight carries no token, and the $default route "catches requests for all methods and
 * routes that you haven't explicitly defined, including OPTIONS requests. To support unauthorized
 * OPTIONS requests, add an OPTIONS /{proxy+} route to your API that doesn't require authorization"
 * (API Gateway developer guide, "Configure CORS for HTTP APIs",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
 */
export const PREFLIGHT_ROUTE = "OPTIONS /{proxy+}";

export function unauthorizedRoute(routeKey: string): string {
    return `API routes must require an authorizer: route "${routeKey}" has authorizationType NONE. Every AWS stage `
        + `authenticates; only the local dev stack is open.`;
}

export function routeWithoutScopes(routeKey: string): string {
    return `JWT routes must list authorizationScopes: route "${routeKey}" lists none, so API Gateway admits any token of `
        + `the issuer, ID tokens included. Name the operation's scopes in api/openapi.yaml.`;
}

export function preflightRouteWithoutCors(routeKey: string): string {
    return `Route "${routeKey}" has authorizationType NONE on an API without a CORS configuration: only a browser's preflight `
        + `may go unauthorized, and only where the API answers cross-origin callers (API Gateway developer guide, "Configure CORS `
        + `for HTTP APIs"). Set users-api:api.cors, or give the route an authorizer.`;
}

function isOpenPreflightRoute(props: Record<string, any>): boolean {
    return (props.authorizationType ?? "NONE") === "NONE" && props.routeKey === PREFLIGHT_ROUTE;
}

/**
 * Every route is authorized, and a JWT route names the scopes that admit a token: without them
 * API Gateway cannot tell an access token from an ID token and admits both
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
 * The one exception, an unauthorized PREFLIGHT_ROUTE, is left to preflightRouteNeedsCors, which sees
 * the route's API: a resource policy sees the route alone.
 */
export const routesRequireAuthorizer: ResourceValidationPolicy = {
    name: "apigateway-routes-require-authorizer",
    description: "Every API Gateway route requires an authorizer (JWT, IAM or a Lambda authorizer), and JWT routes list their scopes.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ROUTE_TYPE) {
            return;
        }
        const type = args.props.authorizationType ?? "NONE";
        if (type === "NONE" && !isOpenPreflightRoute(args.props)) {
            reportViolation(unauthorizedRoute(String(args.props.routeKey)));
        } else if (type === "JWT" && !(args.props.authorizationScopes?.length > 0)) {
            reportViolation(routeWithoutScopes(String(args.props.routeKey)));
        }
    },
};


/**
 * The APIs a route may belong to: the one its apiId depends on (what the engine sends), else the one
 * whose id it names, else, when neither can be told, every API of the stack (each must then qualify).
 */
function apisOf(route: PolicyResource, apis: PolicyResource[]): PolicyResource[] {
    const depended = (route.propertyDependencies?.["apiId"] ?? []).filter((resource) => resource.type === API_TYPE);
    if (depended.length > 0) {
        return depended;
    }
    const apiId = known(() => route.props.apiId);
    const named = apis.filter((api) => typeof apiId === "string" && known(() => api.props.id) === apiId);
    return named.length > 0 ? named : apis;
}

/** The exception of apigateway-routes-require-authorizer: an unauthorized OPTIONS /{proxy+} only on an API with CORS. */
export const preflightRouteNeedsCors: StackValidationPolicy = {
    name: "apigateway-preflight-route-needs-cors",
    description: "An unauthorized OPTIONS /{proxy+} route, the one route exempt from apigateway-routes-require-authorizer, "
        + "belongs to an API with a CORS configuration.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const apis = args.resources.filter((resource) => resource.type === API_TYPE);
        for (const route of args.resources.filter((resource) => resource.type === ROUTE_TYPE)) {
            if (!isOpenPreflightRoute(route.props)) {
                continue;
            }
            const owners = apisOf(route, apis);
            if (owners.length === 0 || !owners.every((api) => known(() => api.props.corsConfiguration) != null)) {
                reportViolation(preflightRouteWithoutCors(PREFLIGHT_ROUTE), route.urn);
            }
        }
    },
};
