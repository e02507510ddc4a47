package dev.usersapi.api;

import java.util.List;
import java.util.Set;

/**
 * Who sent a request, as the JWT authorizer vouched for it: the token's subject ({@code sub}, or
 * {@code client_id} where a token has no subject) and the scopes it was granted. The subject is
 * what owns the users it creates and what {@code updatedBy} records.
 */
public record Caller(String subject, Set<String> scopes) {
    public Caller {
        if (subject.isBlank()) {
            throw new IllegalArgumentException("a caller has a subject");
        }
        scopes = Set.copyOf(scopes);
    }

    /** With {@code users/admin}, a caller reads and changes every user, lists them and searches them. */
    public boolean isAdmin() {
        return scopes.contains(Route.Scopes.ADMIN_SCOPE);
    }

    /** Whether any one of these scopes was granted: how API Gateway matches a route's authorizationScopes. */
    boolean hasAnyOf(List<String> accepted) {
        return accepted.stream().anyMatch(scopes::contains);
    }

    /**
     * The owner a user must have for this caller to see or change it: its own subject, or none
     * required as admin. Writes carry it as their condition; reads filter with {@link #mayAccess}.
     */
    java.util.Optional<String> requiredOwner() {
        return isAdmin() ? java.util.Optional.empty() : java.util.Optional.of(subject);
    }

    /** Whether this caller may see and change a user with this owner. */
    boolean mayAccess(java.util.Optional<String> owner) {
        return requiredOwner().map(required -> owner.filter(required::equals).isPresent()).orElse(true);
    }
}
