package dev.usersapi.declaration;

/**
 * How the stream consumer is fed (config key {@code users-api:streamConsumer}): what the cloud's
 * event source mapping and the local event source both apply.
 */
public record StreamConsumerDeclaration(
        int batchSize,
        String startingPosition,
        int maximumRetryAttempts,
        int maximumRecordAgeSeconds,
        boolean bisectBatchOnFunctionError) {}
