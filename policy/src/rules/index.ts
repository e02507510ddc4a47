import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { alarmTopicCustomerKey } from "./alarms";
import { preflightRouteNeedsCors, routesRequireAuthorizer } from "./api";
import { noWildcards } from "./iam";
import { logRetention } from "./logs";
import { usersKept } from "./retention";
import { streamFailureHandling } from "./streams";
import { deletionProtection, encryption, payPerRequest, pointInTimeRecovery } from "./table";

/** Every rule of the pack; each environment's config (config/<stack>.json) sets their levels. */
export const policies: ResourceValidationPolicy[] = [
    pointInTimeRecovery,
    encryption,
    payPerRequest,
    deletionProtection,
    streamFailureHandling,
    noWildcards,
    routesRequireAuthorizer,
    logRetention,
    usersKept,
];

/** The rules that read the whole stack: how its resources refer to each other. */
export const stackPolicies: StackValidationPolicy[] = [
    alarmTopicCustomerKey,
    preflightRouteNeedsCors,
];
