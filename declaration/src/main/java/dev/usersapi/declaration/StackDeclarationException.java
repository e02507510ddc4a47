package dev.usersapi.declaration;

/** A stack file that cannot be read or that declares something invalid; the message names the key. */
public final class StackDeclarationException extends RuntimeException {
    public StackDeclarationException(String message) {
        super(message);
    }

    public StackDeclarationException(String message, Throwable cause) {
        super(message, cause);
    }
}
