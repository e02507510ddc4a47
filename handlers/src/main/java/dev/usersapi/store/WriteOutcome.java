package dev.usersapi.store;

import dev.usersapi.model.User;

/** What a conditional write did. */
public sealed interface WriteOutcome {
    record Written(User user) implements WriteOutcome {}

    record NotFound() implements WriteOutcome {}

    /** The user exists, but not at the version the caller named. */
    record VersionMismatch(long currentVersion) implements WriteOutcome {}
}
