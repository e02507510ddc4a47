import { ResourceValidationPolicy } from "@pulumi/policy";

export const ROUTE_TYPE = "aws:apigatewayv2/route:Route";

export function unauthorizedRoute(routeKey: string): string {
    return `API routes must require an authorizer: route "${routeKey}" has authorizationType NONE. Every AWS stage `
        + `authenticates; only the local dev stack is open.`;
}

export function routeWithoutScopes(routeKey: string): string {
    return `JWT routes must list authorizationScopes: route "${routeKey}" lists none, so API Gateway admits any token of `
        + `the issuer, ID tokens included. Name the operation's scopes in api/openapi.yaml.`;
}

/**
 * Every route is authorized, and a JWT route names the scopes that admit a token: without them
 * API Gateway cannot tell an access token from an ID token and admits both
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
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
        if (type === "NONE") {
            reportViolation(unauthorizedRoute(String(args.props.routeKey)));
        } else if (type === "JWT" && !(args.props.authorizationScopes?.length > 0)) {
            reportViolation(routeWithoutScopes(String(args.props.routeKey)));
        }
    },
};
