package dev.usersapi.store;

import java.util.List;
import java.util.Optional;

/** One page of a listing, and where the next one starts when there is one. */
public record Page<T>(List<T> items, Optional<PageStart> next) {
    public Page {
        items = List.copyOf(items);
    }
}
