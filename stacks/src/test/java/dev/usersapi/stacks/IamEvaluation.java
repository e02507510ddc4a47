package dev.usersapi.stacks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.policybuilder.iam.IamCondition;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamPrincipal;
import software.amazon.awssdk.policybuilder.iam.IamStatement;

/**
 * IAM's policy evaluation for one account, as the IAM User Guide documents it ("Policy
 * evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit deny in any applicable policy wins; else an allow in an identity-based policy, or in
 * a resource-based policy that names the principal, allows; else the request is implicitly denied.
 * For a KMS key, the key policy must allow, either the principal itself or the account, whose
 * IAM policies then decide ("Determining access to an AWS KMS key"). Actions match case-insensitively
 * with {@code *} and {@code ?}; resources match case-sensitively. A condition operator this class
 * does not know fails the evaluation rather than being guessed.
 */
final class IamEvaluation {
    enum Decision { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    /** A request: who asks, for which action on which resource, with which request context. */
    record Request(String principalArn, String action, String resource, Map<String, String> context) {
        String account() {
            return principalArn.split(":")[4];
        }
    }

    private IamEvaluation() {}

    /** A request to a service without a resource-based policy here (DynamoDB, SQS, CloudWatch Logs): the identity policies decide. */
    static Decision identityOnly(List<IamPolicy> identityPolicies, Request request) {
        return evaluate(identityPolicies, request, false);
    }

    /** A request to use a KMS key: the key policy, and the identity policies where the key policy defers to the account. */
    static Decision kms(IamPolicy keyPolicy, List<IamPolicy> identityPolicies, Request request) {
        if (anyMatch(List.of(keyPolicy), "Deny", request, true) || anyMatch(identityPolicies, "Deny", request, false)) {
            return Decision.EXPLICIT_DENY;
        }
        boolean principalAllowed = false;
        boolean accountAllowed = false;
        for (IamStatement statement : keyPolicy.statements()) {
            if (statement.effect().value().equals("Allow") && appliesTo(statement, request)) {
                for (IamPrincipal principal : statement.principals()) {
                    String id = principal.id();
                    if (!principal.type().value().equals("AWS") && !principal.type().value().equals("*")) {
                        continue;
                    }
                    if (id.equals("*") || id.equals(request.principalArn())) {
                        principalAllowed = true;
                    } else if (id.equals(request.account()) || id.equals("arn:aws:iam::" + request.account() + ":root")) {
                        accountAllowed = true;
                    }
                }
            }
        }
        if (principalAllowed) {
            return Decision.ALLOW;
        }
        return accountAllowed && anyMatch(identityPolicies, "Allow", request, false) ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    /**
     * A request of a role with a permissions boundary: allowed only where its own policies allow it
     * and its boundary does too ("Permissions boundaries for IAM entities": "An entity's permissions
     * boundary allows it to perform only the actions that are allowed by both its identity-based
     * policies and its permissions boundaries"); a boundary's explicit deny wins. A resource-based
     * policy naming the role's ARN is limited by the boundary as well (only one naming a role
     * session is not), and no policy here names a session.
     */
    static Decision bounded(Decision byItsPolicies, IamPolicy boundary, Request request) {
        Decision byBoundary = evaluate(List.of(boundary), request, false);
        if (byBoundary == Decision.EXPLICIT_DENY || byItsPolicies != Decision.ALLOW) {
            return byBoundary == Decision.EXPLICIT_DENY ? byBoundary : byItsPolicies;
        }
        return byBoundary;
    }

    private static Decision evaluate(List<IamPolicy> policies, Request request, boolean resourceBased) {
        if (anyMatch(policies, "Deny", request, resourceBased)) {
            return Decision.EXPLICIT_DENY;
        }
        return anyMatch(policies, "Allow", request, resourceBased) ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    private static boolean anyMatch(List<IamPolicy> policies, String effect, Request request, boolean resourceBased) {
        return policies.stream().flatMap(policy -> policy.statements().stream())
                .anyMatch(statement -> statement.effect().value().equals(effect) && appliesTo(statement, request)
                        && (!resourceBased || namesPrincipal(statement, request)));
    }

    /** Whether a statement's action, resource and condition blocks all match the request (principals aside). */
    static boolean appliesTo(IamStatement statement, Request request) {
        boolean action = statement.actions().isEmpty()
                ? statement.notActions().stream().noneMatch(a -> matches(a.value(), request.action(), true))
                : statement.actions().stream().anyMatch(a -> matches(a.value(), request.action(), true));
        boolean resource = statement.resources().isEmpty()
                ? !statement.notResources().isEmpty() && statement.notResources().stream().noneMatch(r -> matches(r.value(), request.resource(), false))
                : statement.resources().stream().anyMatch(r -> matches(r.value(), request.resource(), false));
        return action && resource && conditionsHold(statement.conditions(), request.context());
    }

    private static boolean namesPrincipal(IamStatement statement, Request request) {
        return statement.principals().stream().anyMatch(p -> p.id().equals("*") || p.id().equals(request.principalArn())
                || p.id().equals(request.account()) || p.id().equals("arn:aws:iam::" + request.account() + ":root"));
    }

    /** Every (operator, key) block must hold; within one, any of its values may match. */
    private static boolean conditionsHold(List<IamCondition> conditions, Map<String, String> context) {
        Map<String, List<IamCondition>> blocks = new LinkedHashMap<>();
        for (IamCondition condition : conditions) {
            blocks.computeIfAbsent(condition.operator().value() + " " + condition.key().value(), k -> new java.util.ArrayList<>()).add(condition);
        }
        for (List<IamCondition> block : blocks.values()) {
            String operator = block.get(0).operator().value();
            Optional<String> actual = Optional.ofNullable(context.get(block.get(0).key().value()));
            boolean holds = switch (operator) {
                case "StringEquals", "ArnEquals" -> actual.isPresent() && block.stream().anyMatch(c -> c.value().equals(actual.get()));
                case "StringEqualsIgnoreCase" -> actual.isPresent() && block.stream().anyMatch(c -> c.value().equalsIgnoreCase(actual.get()));
                case "StringLike", "ArnLike" -> actual.isPresent() && block.stream().anyMatch(c -> matches(c.value(), actual.get(), false));
                case "StringNotEquals" -> actual.isEmpty() || block.stream().noneMatch(c -> c.value().equals(actual.get()));
                case "StringNotLike" -> actual.isEmpty() || block.stream().noneMatch(c -> matches(c.value(), actual.get(), false));
                case "Bool" -> actual.isPresent() && block.stream().anyMatch(c -> c.value().equalsIgnoreCase(actual.get()));
                // "true": the key is absent from the request; "false": it is present (IAM User Guide, "Condition operator to check existence of condition keys").
                case "Null" -> block.stream().anyMatch(c -> c.value().equalsIgnoreCase("true") == actual.isEmpty());
                default -> throw new IllegalArgumentException("condition operator " + operator + " is not evaluated here: add it to IamEvaluation");
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** IAM's wildcard match: {@code *} any run of characters, {@code ?} one character. */
    static boolean matches(String pattern, String value, boolean ignoreCase) {
        Pattern compiled = PATTERNS.computeIfAbsent((ignoreCase ? "i:" : "s:") + pattern, key -> {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        });
        return compiled.matcher(ignoreCase ? value.toLowerCase(Locale.ROOT) : value).matches();
    }

    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();
}
