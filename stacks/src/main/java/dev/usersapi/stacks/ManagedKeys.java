package dev.usersapi.stacks;

import com.pulumi.aws.kms.Key;
import com.pulumi.aws.kms.KeyArgs;
import com.pulumi.aws.kms.KeyPolicy;
import com.pulumi.aws.kms.KeyPolicyArgs;
import com.pulumi.resources.CustomResourceOptions;
import java.util.Map;
import java.util.function.Function;

/**
 * The customer-managed KMS keys the program creates, all alike: rotated every year, and 30 days
 * (KMS's longest waiting period) between a deletion being scheduled and the key being gone, so a
 * mistaken delete of a key that still protects data can be cancelled.
 */
final class ManagedKeys {
    /** A key with a key policy of its own; what uses the key depends on the policy, not only the key. */
    record WithPolicy(Key key, KeyPolicy policy) {}

    private ManagedKeys() {}

    static Key key(String name, String description, Map<String, String> tags, CustomResourceOptions options) {
        return new Key(name, KeyArgs.builder()
                .description(description)
                .enableKeyRotation(true)
                .deletionWindowInDays(30)
                .tags(tags)
                .build(), options);
    }

    /** {@code policyOf} is given the key's ARN and returns the key policy document. */
    static WithPolicy withPolicy(String name, String description, Function<String, String> policyOf, Map<String, String> tags,
                                 CustomResourceOptions options) {
        Key key = key(name, description, tags, options);
        KeyPolicy policy = new KeyPolicy(name + "-policy", KeyPolicyArgs.builder()
                .keyId(key.id())
                .policy(key.arn().applyValue(policyOf::apply))
                .build(), options);
        return new WithPolicy(key, policy);
    }
}
