package dev.usersapi.model;

import java.util.Optional;

/** What a client supplies to create a user; the server sets everything else. */
public record NewUser(String name, String email, Optional<Integer> age) {}
