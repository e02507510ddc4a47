package dev.usersapi.model;

import java.util.Optional;

/**
 * A partial update. An absent field stays as it is; {@code age} is set when present and
 * removed when {@code removeAge} is true (a JSON merge patch's {@code "age": null}).
 */
public record UserChanges(Optional<String> name, Optional<String> email, Optional<Integer> age, boolean removeAge) {

    public UserChanges {
        if (age.isPresent() && removeAge) {
            throw new IllegalArgumentException("age cannot be both set and removed");
        }
    }

    public boolean isEmpty() {
        return name.isEmpty() && email.isEmpty() && age.isEmpty() && !removeAge;
    }
}
