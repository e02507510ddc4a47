package dev.usersapi.stacks;

import static dev.usersapi.stacks.StackRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.aws.kms.KeyPolicy;
import dev.usersapi.declaration.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * The permission policies of the roles that deploy and preview the stacks
 * ({@code operator/iam/deployer-permissions-<env>.json}, {@code operator/iam/preview-permissions.json}),
 * held to the calls the AWS provider makes for every resource the program declares
 * ({@link ProviderCalls}, {@code permissions/deployer/provider-calls.json}) under IAM's
 * evaluation logic ({@link IamEvaluation}): each deployer may make every call of its own stack and
 * grants nothing no call uses; no deployer may change another environment's resources, but for
 * the gaps the data lists with their reason; the preview role may make every read and no write.
 */
class DeployerPermissionsTest {
    private static final Path ROOT = ProjectLayout.current().root();
    /**
     * The account operator/iam's policies name, mapped to the mocks' account: the placeholder as
     * committed, a fork's own once the README's fill-in step has replaced it.
     */
    private static final String POLICY_ACCOUNT = accountOf(read(deployerFile("dev")));

    private static String accountOf(String policy) {
        Set<String> accounts = new TreeSet<>();
        var arns = java.util.regex.Pattern.compile("arn:aws:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):").matcher(policy);
        while (arns.find()) {
            accounts.add(arns.group(1));
        }
        if (accounts.size() != 1) {
            throw new IllegalStateException("operator/iam's policies name one account, not " + accounts);
        }
        return accounts.iterator().next();
    }

    @Test
    void everyResourceTypeOfEveryBaselineHasItsProviderCalls() throws IOException {
        JsonObject types = ProviderCalls.data().getAsJsonObject("types");
        Set<String> missing = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (String stack : StackRuns.STACKS) {
            JsonObject baseline = JsonParser.parseString(Files.readString(ROOT.resolve("stacks/src/test/resources/baselines/" + stack + ".json")))
                    .getAsJsonObject();
            for (JsonElement urn : baseline.getAsJsonArray("resources")) {
                String[] typePath = urn.getAsString().split("::")[2].split("\\$");
                String type = typePath[typePath.length - 1];
                seen.add(type);
                JsonObject entry = types.getAsJsonObject(type);
                if (entry == null || !(entry.has("component") || entry.getAsJsonArray("calls").size() > 0)) {
                    missing.add(type + " (" + stack + ")");
                }
            }
        }
        assertEquals(Set.of(), missing, "resource types with no provider calls recorded: a deployer policy cannot be held to them");
        assertEquals(seen, new TreeSet<>(types.keySet()), "types recorded that no baseline declares");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyCallOfTheStackIsAllowedToItsDeployer(String stack) {
        ProviderCalls provider = ProviderCalls.of(stack);
        List<IamPolicy> policies = deployerPolicies(stack, provider.account);
        List<String> denied = new ArrayList<>();
        List<ProviderCalls.Call> calls = provider.calls(provider.deployerRole());
        for (ProviderCalls.Call call : calls) {
            IamEvaluation.Decision decision = decide(provider, policies, call.request());
            if (decision != IamEvaluation.Decision.ALLOW) {
                denied.add(call.describe() + ": " + decision + " (" + call.from() + ")");
            }
        }
        System.out.printf("%s: %d calls of %d resources, %d distinct actions, all checked against %s%n", stack, calls.size(),
                provider.deployed.size(), calls.stream().map(c -> c.request().action()).distinct().count(), deployerFile(stack));
        assertEquals(List.of(), denied, "calls of " + stack + "'s deployment its deployer's policy would deny");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyGrantOfTheDeployerServesACallOfItsStack(String stack) {
        ProviderCalls provider = ProviderCalls.of(stack);
        List<String> unused = new ArrayList<>();
        for (IamPolicy policy : deployerPolicies(stack, provider.account)) {
            unused.addAll(unused(policy, provider.calls(provider.deployerRole())));
        }
        assertEquals(List.of(), unused, deployerFile(stack) + " or " + deployerRolesFile(stack) + " grants what no call of " + stack + " makes");
    }

    @Test
    void noDeployerChangesAnotherEnvironmentsResourcesButForTheListedGaps() {
        Map<String, String> gaps = ProviderCalls.data().getAsJsonObject("crossEnvironmentGaps").getAsJsonArray("gaps").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .collect(Collectors.toMap(gap -> gap.get("type").getAsString(), gap -> gap.get("why").getAsString()));
        List<String> allowed = new ArrayList<>();
        Set<String> openGaps = new TreeSet<>();
        for (String own : StackRuns.STACKS) {
            for (String other : StackRuns.STACKS) {
                if (own.equals(other)) {
                    continue;
                }
                ProviderCalls ownCalls = ProviderCalls.of(own);
                ProviderCalls theirs = ProviderCalls.of(other);
                List<IamPolicy> policies = deployerPolicies(own, ownCalls.account);
                for (ProviderCalls.Call call : theirs.calls(ownCalls.deployerRole())) {
                    if (!ProviderCalls.changes(call)) {
                        continue;
                    }
                    List<IamEvaluation.Request> attempts = new ArrayList<>(List.of(call.request()));
                    boolean tagging = call.request().action().matches(".*:(Tag|Untag)[A-Za-z]*") || call.request().resource().contains("::/tags/");
                    if (tagging && call.request().context().containsKey("aws:ResourceTag/stack")) {
                        // Re-tagging their resource as one's own: the request's tags are one's own, the resource's still theirs.
                        Map<String, String> retag = new java.util.LinkedHashMap<>(call.request().context());
                        retag.put("aws:RequestTag/stack", own);
                        attempts.add(new IamEvaluation.Request(call.request().principalArn(), call.request().action(), call.request().resource(),
                                Map.copyOf(retag)));
                    }
                    for (IamEvaluation.Request attempt : attempts) {
                        if (decide(theirs, policies, attempt) == IamEvaluation.Decision.ALLOW) {
                            if (gaps.containsKey(call.resource().type())) {
                                openGaps.add(call.resource().type());
                            } else {
                                allowed.add(own + "'s deployer on " + other + "'s " + call.describe());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), allowed, "changes one environment's deployer may make to another's resources");
        assertEquals(new TreeSet<>(gaps.keySet()), openGaps, "crossEnvironmentGaps must list exactly the gaps still open");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void thePreviewRoleMakesEveryReadOfTheStackButReadsNoSecretAndWritesNothing(String stack) {
        ProviderCalls provider = ProviderCalls.of(stack);
        IamPolicy policy = previewPolicy(provider.account);
        List<String> wrong = new ArrayList<>();
        for (ProviderCalls.Call call : provider.calls(previewRole(provider.account))) {
            IamEvaluation.Decision decision = decide(provider, List.of(policy), call.request());
            boolean read = call.op().equals("read");
            boolean secret = isSecret(call);
            boolean write = ProviderCalls.changes(call);
            if (read && !secret && decision != IamEvaluation.Decision.ALLOW) {
                wrong.add("read denied: " + call.describe() + " " + decision);
            } else if (secret && decision != IamEvaluation.Decision.EXPLICIT_DENY) {
                wrong.add("secret not explicitly denied: " + call.describe() + " " + decision);
            } else if (write && decision == IamEvaluation.Decision.ALLOW) {
                wrong.add("write allowed: " + call.describe());
            }
        }
        assertEquals(List.of(), wrong, "operator/iam/preview-permissions.json against " + stack + "'s calls");
    }

    @Test
    void everyGrantOfThePreviewRoleServesARead() {
        List<ProviderCalls.Call> reads = new ArrayList<>();
        String account = ProviderCalls.of("dev").account;
        for (String stack : StackRuns.STACKS) {
            ProviderCalls.of(stack).calls(previewRole(account)).stream().filter(call -> call.op().equals("read") && !isSecret(call)).forEach(reads::add);
        }
        assertEquals(List.of(), unused(previewPolicy(account), reads), "operator/iam/preview-permissions.json grants what no read makes");
    }

    @Test
    void eachPolicyFitsIamsQuota() {
        JsonObject quota = JsonParser.parseString(read("stacks/src/test/resources/permissions/deployer/iam-quotas.json")).getAsJsonObject();
        int inline = quota.get("rolePolicySizeCharacters").getAsInt();
        int managed = quota.get("managedPolicySizeCharacters").getAsInt();
        Map<String, Integer> files = new java.util.LinkedHashMap<>();
        for (String stack : StackRuns.STACKS) {
            files.put(deployerFile(stack), inline);
            files.put(deployerRolesFile(stack), managed);
            files.put(PermissionsBoundaryTest.boundaryFile(stack), managed);
        }
        files.put("operator/iam/preview-permissions.json", inline);
        List<String> over = new ArrayList<>();
        files.forEach((file, limit) -> {
            long size = read(file).chars().filter(c -> !Character.isWhitespace(c)).count();
            System.out.printf("%s: %d of IAM's %d characters%n", file, size, limit);
            if (size > limit) {
                over.add(file + ": " + size + " characters without white space, over " + limit + " (" + quota.get("source").getAsString() + ")");
            }
        });
        assertEquals(List.of(), over, "put-role-policy or create-policy would refuse these");
    }

    @Test
    void theReadmeGivesEachRoleItsPolicy() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("aws iam put-role-policy --role-name users-api-deployer-$e --policy-name users-api-deploy "
                + "--policy-document file://operator/iam/deployer-permissions-$e.json"), "README's deploy step attaches the deployer's policy");
        assertTrue(readme.contains("file://operator/iam/preview-permissions.json"), "README attaches the preview role's policy");
        assertTrue(readme.contains("aws iam create-policy --policy-name users-api-$e-boundary --policy-document file://operator/iam/role-boundary-$e.json"),
                "README creates the roles' boundary, which the program names and the deployer requires");
        assertTrue(readme.contains("aws iam create-policy --policy-name users-api-deployer-$e-roles --policy-document file://operator/iam/deployer-roles-$e.json")
                && readme.contains("aws iam attach-role-policy --role-name users-api-deployer-$e --policy-arn arn:aws:iam::$account:policy/users-api-deployer-$e-roles"),
                "README gives each deployer its managed policy for roles");
    }

    /**
     * Every Allow statement's (action, resource) pair that no call matches, conditions included; a
     * statement may list several services' actions and resources (the policy must fit IAM's size
     * quota), and a pair of one service's action with another's ARN grants nothing.
     */
    private static List<String> unused(IamPolicy policy, List<ProviderCalls.Call> calls) {
        List<String> unused = new ArrayList<>();
        for (IamStatement statement : policy.statements()) {
            if (!statement.effect().value().equals("Allow")) {
                continue;
            }
            assertTrue(statement.notActions().isEmpty() && statement.notResources().isEmpty(), "NotAction/NotResource in " + statement.sid());
            for (var action : statement.actions()) {
                for (var resource : statement.resources()) {
                    if (!resource.value().equals("*") && !resource.value().startsWith("arn:aws:" + action.value().split(":")[0] + ":")) {
                        continue; // an action is never authorized on another service's ARN: the pair grants nothing
                    }
                    IamStatement one = statement.toBuilder().actions(List.of(action)).resources(List.of(resource)).build();
                    if (calls.stream().noneMatch(call -> IamEvaluation.appliesTo(one, call.request()))) {
                        unused.add(statement.sid() + " grants " + action.value() + " on " + resource.value() + ", which no call makes");
                    }
                }
            }
        }
        return unused;
    }

    private static boolean isSecret(ProviderCalls.Call call) {
        JsonObject type = ProviderCalls.data().getAsJsonObject("types").getAsJsonObject(call.resource().type());
        return type != null && type.has("calls") && type.getAsJsonArray("calls").asList().stream().map(JsonElement::getAsJsonObject)
                .anyMatch(spec -> spec.has("secret") && spec.getAsJsonArray("actions").toString().contains("\"" + call.request().action() + "\""));
    }

    /** A key's use is decided by its key policy too (the program's own, or KMS's default); anything else by the identity policies. */
    static IamEvaluation.Decision decide(ProviderCalls provider, List<IamPolicy> identity, IamEvaluation.Request request) {
        if (request.action().startsWith("kms:") && request.resource().contains(":key/")) {
            return IamEvaluation.kms(keyPolicy(provider, request.resource()), identity, request);
        }
        return IamEvaluation.identityOnly(identity, request);
    }

    private static final Map<String, IamPolicy> KEY_POLICIES = new java.util.concurrent.ConcurrentHashMap<>();

    private static IamPolicy keyPolicy(ProviderCalls provider, String keyArn) {
        return KEY_POLICIES.computeIfAbsent(provider.stack + " " + keyArn, key -> declaredKeyPolicy(provider, keyArn));
    }

    private static IamPolicy declaredKeyPolicy(ProviderCalls provider, String keyArn) {
        String keyId = keyArn.substring(keyArn.indexOf(":key/") + 5);
        Optional<String> declared = StackRuns.of(provider.stack).all(KeyPolicy.class).stream()
                .filter(policy -> keyId.equals(value(policy.keyId()))).map(policy -> value(policy.policy())).findFirst();
        return declared.map(IamPolicy::fromJson).orElseGet(() -> defaultKeyPolicy(provider.account));
    }

    private static IamPolicy defaultKeyPolicy(String account) {
        return IamPolicy.fromJson(JsonParser.parseString(read("stacks/src/test/resources/permissions/kms-default-key-policy.json"))
                .getAsJsonObject().getAsJsonObject("policy").toString().replace("{account}", account));
    }

    static String deployerFile(String stack) {
        return "operator/iam/deployer-permissions-" + stack + ".json";
    }

    /** What a role's rights may be made of: a second, managed policy, since the inline one would not fit IAM's quota with it. */
    static String deployerRolesFile(String stack) {
        return "operator/iam/deployer-roles-" + stack + ".json";
    }

    /** The deployer's identity policies: its inline policy and its managed policy for roles. */
    static List<IamPolicy> deployerPolicies(String stack, String account) {
        return List.of(policy(deployerFile(stack), account), policy(deployerRolesFile(stack), account));
    }

    /** A policy of operator/iam, with the account it names replaced by the mocks' account. */
    static IamPolicy policy(String file, String account) {
        return IamPolicy.fromJson(read(file).replace(POLICY_ACCOUNT, account));
    }

    static IamPolicy previewPolicy(String account) {
        return IamPolicy.fromJson(read("operator/iam/preview-permissions.json").replace(POLICY_ACCOUNT, account));
    }

    private static String previewRole(String account) {
        return "arn:aws:iam::" + account + ":role/users-api-preview";
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
