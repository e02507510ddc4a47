package dev.usersapi.stream;

/**
 * What the stream handler does with each change. Stream records are delivered at least once,
 * so an implementation must give the same result when it sees a change again (same eventId).
 */
@FunctionalInterface
public interface ChangeConsumer {
    void accept(Change change);
}
