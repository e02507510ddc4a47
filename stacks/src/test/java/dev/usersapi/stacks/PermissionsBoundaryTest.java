package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.pulumi.aws.iam.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * The permissions boundary of the roles the program creates ({@code operator/iam/role-boundary-<env>.json},
 * the managed policy {@code users-api-<env>-boundary}), which closes the deployer's privilege
 * escalation: a deployer may create roles, put inline policies on them and pass them to Lambda, so
 * without a boundary whoever controls it (for dev, any commit to main) could give a function any
 * right in the account. As the IAM User Guide's delegation example does ("Permissions boundaries
 * for IAM entities", delegating responsibility to others using permissions boundaries), the
 * deployer may create a role and change its policies only with that boundary
 * ({@code iam:PermissionsBoundary}), may not remove a boundary and may not change a boundary
 * policy. Every role of every stack carries it; every call a role makes stays allowed under its
 * policies and its boundary together (IAM allows only what both allow); the boundary grants
 * nothing no role's call uses.
 */
class PermissionsBoundaryTest {
    /** Every action IAM evaluates {@code iam:PermissionsBoundary} for that the program's roles need (Service Authorization Reference, IAM). */
    private static final Set<String> BOUNDED_ACTIONS = Set.of("iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
            "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy");

    static String boundaryFile(String stack) {
        return "operator/iam/role-boundary-" + stack + ".json";
    }

    static String boundaryArn(String account, String stack) {
        return "arn:aws:iam::" + account + ":policy/users-api-" + stack + "-boundary";
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyRoleOfTheStackHasItsEnvironmentsBoundary(String stack) {
        List<Role> roles = StackRuns.of(stack).all(Role.class);
        assertFalse(roles.isEmpty());
        String account = ProviderCalls.of(stack).account;
        Map<String, String> boundaries = new LinkedHashMap<>();
        roles.forEach(role -> boundaries.put(role.pulumiResourceName(), java.util.Optional.ofNullable(value(role.permissionsBoundary())).flatMap(b -> b).orElse("none")));
        Map<String, String> expected = new LinkedHashMap<>();
        roles.forEach(role -> expected.put(role.pulumiResourceName(), boundaryArn(account, stack)));
        assertEquals(expected, boundaries, "each role's permissionsBoundary in " + stack);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyCallOfEveryRoleIsAllowedByItsPoliciesAndItsBoundary(String stack) {
        IamPolicy boundary = boundary(stack);
        List<String> denied = new ArrayList<>();
        for (PermissionsTest.Call call : PermissionsTest.calls(stack)) {
            IamEvaluation.Decision decision = IamEvaluation.bounded(PermissionsTest.decide(stack, call), boundary, call.request());
            if (decision != IamEvaluation.Decision.ALLOW) {
                denied.add(call.function() + " " + call.request().action() + " on " + call.request().resource() + ": " + decision);
            }
        }
        for (IamEvaluation.Request request : backupRoleCalls(stack)) {
            IamEvaluation.Decision byPolicies = IamEvaluation.identityOnly(
                    List.copyOf(PermissionsTest.managedPolicies(stack, PermissionsTest.BACKUP_ROLE).values()), request);
            IamEvaluation.Decision decision = IamEvaluation.bounded(byPolicies, boundary, request);
            if (decision != IamEvaluation.Decision.ALLOW) {
                denied.add(PermissionsTest.BACKUP_ROLE + " " + request.action() + " on " + request.resource() + ": " + decision);
            }
        }
        assertEquals(List.of(), denied, "calls of " + stack + "'s roles that " + boundaryFile(stack) + " or their own policies would deny");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theBoundaryGrantsNothingNoRoleOfTheStackUses(String stack) {
        List<IamEvaluation.Request> made = new ArrayList<>(PermissionsTest.calls(stack).stream().map(PermissionsTest.Call::request).toList());
        made.addAll(backupRoleCalls(stack));
        List<String> unused = new ArrayList<>();
        for (IamStatement statement : boundary(stack).statements()) {
            assertEquals("Allow", statement.effect().value(), "a boundary only bounds: " + statement.sid());
            for (var action : statement.actions()) {
                for (var resource : statement.resources()) {
                    IamStatement one = statement.toBuilder().actions(List.of(action)).resources(List.of(resource)).build();
                    if (made.stream().noneMatch(request -> IamEvaluation.appliesTo(one, request))) {
                        unused.add(statement.sid() + " allows " + action.value() + " on " + resource.value() + ", which no role of " + stack + " calls");
                    }
                }
            }
        }
        assertEquals(List.of(), unused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aRoleGivenEveryRightStillHasOnlyWhatItsBoundaryAllows(String stack) {
        // What a deployer could put on a role if the boundary did not hold it: an inline policy allowing everything.
        IamPolicy everything = IamPolicy.fromJson("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        ProviderCalls provider = ProviderCalls.of(stack);
        String role = value(StackRuns.of(stack).named(Role.class, "users-api-role").arn());
        String table = provider.deployed.stream().filter(d -> d.type().equals("aws:dynamodb/table:Table") && d.name().equals("users"))
                .map(provider::arn).findFirst().orElseThrow();
        List<IamEvaluation.Request> escalations = List.of(
                new IamEvaluation.Request(role, "iam:PutRolePolicy", provider.deployerRole(), Map.of()),
                new IamEvaluation.Request(role, "iam:CreateUser", "arn:aws:iam::" + provider.account + ":user/backdoor", Map.of()),
                new IamEvaluation.Request(role, "dynamodb:DeleteTable", table, Map.of()),
                new IamEvaluation.Request(role, "dynamodb:ExportTableToPointInTime", table, Map.of()),
                new IamEvaluation.Request(role, "kms:Decrypt", "arn:aws:kms:" + provider.region + ":" + provider.account + ":key/any", Map.of()),
                new IamEvaluation.Request(role, "s3:GetObject", "arn:aws:s3:::any-bucket/any-key", Map.of()));
        for (IamEvaluation.Request request : escalations) {
            assertEquals(IamEvaluation.Decision.IMPLICIT_DENY,
                    IamEvaluation.bounded(IamEvaluation.identityOnly(List.of(everything), request), boundary(stack), request), request.action());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theDeployerCreatesAndChangesRolesOnlyWithTheBoundaryAndKeepsIt(String stack) {
        ProviderCalls provider = ProviderCalls.of(stack);
        List<IamPolicy> deployer = DeployerPermissionsTest.deployerPolicies(stack, provider.account);
        String own = boundaryArn(provider.account, stack);
        String other = boundaryArn(provider.account, stack.equals("dev") ? "prod" : "dev");
        List<String> wrong = new ArrayList<>();
        Set<String> bounded = new TreeSet<>();
        for (ProviderCalls.Call call : provider.calls(provider.deployerRole())) {
            IamEvaluation.Request request = call.request();
            if (!BOUNDED_ACTIONS.contains(request.action())) {
                continue;
            }
            bounded.add(request.action());
            if (!own.equals(request.context().get("iam:PermissionsBoundary"))) {
                wrong.add(call.describe() + ": the role has not its stack's boundary");
            }
            for (String boundary : new String[] {null, other, "arn:aws:iam::aws:policy/AdministratorAccess"}) {
                Map<String, String> context = new LinkedHashMap<>(request.context());
                if (boundary == null) {
                    context.remove("iam:PermissionsBoundary");
                } else {
                    context.put("iam:PermissionsBoundary", boundary);
                }
                IamEvaluation.Request without = new IamEvaluation.Request(request.principalArn(), request.action(), request.resource(), Map.copyOf(context));
                IamEvaluation.Decision decision = DeployerPermissionsTest.decide(provider, deployer, without);
                if (decision != IamEvaluation.Decision.EXPLICIT_DENY) {
                    wrong.add(call.describe() + " with boundary " + boundary + ": " + decision);
                }
            }
        }
        assertEquals(BOUNDED_ACTIONS, bounded, "the deployer's calls that IAM holds to the role's boundary");
        String role = "arn:aws:iam::" + provider.account + ":role/users-api-role-a1b2c3d";
        Map<String, String> tagged = Map.of("aws:ResourceTag/stack", stack, "iam:PermissionsBoundary", own);
        List<IamEvaluation.Request> keep = new ArrayList<>(List.of(
                new IamEvaluation.Request(provider.deployerRole(), "iam:DeleteRolePermissionsBoundary", role, tagged)));
        for (String action : List.of("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy")) {
            keep.add(new IamEvaluation.Request(provider.deployerRole(), action, own, Map.of()));
        }
        for (IamEvaluation.Request request : keep) {
            IamEvaluation.Decision decision = DeployerPermissionsTest.decide(provider, deployer, request);
            if (decision != IamEvaluation.Decision.EXPLICIT_DENY) {
                wrong.add(request.action() + " on " + request.resource() + ": " + decision);
            }
        }
        assertEquals(List.of(), wrong, DeployerPermissionsTest.deployerRolesFile(stack) + " must require and keep " + own);
    }

    private static List<IamEvaluation.Request> backupRoleCalls(String stack) {
        boolean hasBackup = StackRuns.of(stack).all(Role.class).stream().anyMatch(r -> r.pulumiResourceName().equals(PermissionsTest.BACKUP_ROLE));
        return hasBackup ? PermissionsTest.backupRoleCalls(stack) : List.of();
    }

    private static IamPolicy boundary(String stack) {
        return DeployerPermissionsTest.policy(boundaryFile(stack), ProviderCalls.of(stack).account);
    }
}
