import { PolicyPack } from "@pulumi/policy";
import { policies, stackPolicies } from "./src/rules";

// Constructing the pack starts its gRPC server for the Pulumi engine: only the engine loads
// this file. Tests import the rules from src/rules.
new PolicyPack("users-api", {
    enforcementLevel: "mandatory",
    policies: [...policies, ...stackPolicies],
});
