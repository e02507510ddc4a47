package dev.usersapi.engine.expression;

/** An expression DynamoDB refuses; the message is DynamoDB's, answered as a ValidationException. */
public final class ExpressionException extends RuntimeException {
    public ExpressionException(String message) {
        super(message, null, false, false);
    }
}
