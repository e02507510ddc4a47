package dev.usersapi.engine.value;

/** A value DynamoDB would refuse; the message is DynamoDB's. Answered as a ValidationException. */
public final class InvalidValueException extends RuntimeException {
    public InvalidValueException(String message) {
        super(message, null, false, false);
    }
}
