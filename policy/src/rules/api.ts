import { ResourceValidationPolicy } from "@pulumi/policy";

export const ROUTE_TYPE = "aws:apigatewayv2/route:Route";

export function unauthorizedRoute(routeKey: string): string {
    return `API routes must require an authorizer in this environment: route "${routeKey}" has authorizationType `
        + `NONE. Set users-api:api.jwt (issuer and audiences) in the stack file.`;
}

export const routesRequireAuthorizer: ResourceValidationPolicy = {
    name: "apigateway-routes-require-authorizer",
    description: "Every API Gateway route requires an authorizer (JWT, IAM or a Lambda authorizer).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ROUTE_TYPE) {
            return;
        }
        const type = args.props.authorizationType ?? "NONE";
        if (type === "NONE") {
            reportViolation(unauthorizedRoute(String(args.props.routeKey)));
        }
    },
};
