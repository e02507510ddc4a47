package dev.usersapi.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.log.Invocation;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.DynamoDbClients;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import java.security.NoSuchAlgorithmException;
import org.crac.Core;
import org.crac.Resource;
import java.security.SecureRandom;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The Lambda entry point of the HTTP API: {@code dev.usersapi.api.UsersApiHandler::handleRequest}. */
public final class UsersApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final UsersApi api;

    /**
     * Lambda's constructor: one client and one store per container, reused by every invocation.
     * It registers for SnapStart's checkpoint, where {@link #beforeCheckpoint} primes the client.
     */
    public UsersApiHandler() {
        this(DynamoDbClients.forLambda(), UsersTableSettings.fromEnvironment(System.getenv()), Clock.systemUTC(),
                Authorization.fromEnvironment(System.getenv()));
        Core.getGlobalContext().register(this);
    }

    /** The same handler on another DynamoDB endpoint and clock, callers known as {@code authorization} says: the local stack's way in. */
    public UsersApiHandler(DynamoDbClient dynamo, UsersTableSettings table, Clock clock, Authorization authorization) {
        this(new UsersApi(new UserStore(dynamo, table),
                new IdempotencyStore(dynamo, table.idempotencyTableName(), table.idempotencyRetention()),
                new UserIds(randomSource()), clock, JsonLines.standardOutput(), authorization));
    }

    public UsersApiHandler(UsersApi api) {
        this.api = api;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocation.ofHttpApi(context, event).run(() -> api.handle(event));
    }

    /**
     * SnapStart's priming hook: one real, cheap request through the whole stack (routing, JSON,
     * the SDK's marshalling and signing, a connection, DynamoDB) before the snapshot, so restored
     * containers start with those classes loaded and compiled instead of paying for them on the
     * first user request. It reads a user that cannot exist, and changes nothing.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        api.handle(PrimingRequest.event());
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to renew: credentials and connections are fetched again by the SDK on demand.
    }

    /**
     * NativePRNG mixes fresh bytes from the kernel into every call, so ids stay unique even in
     * containers restored from one SnapStart snapshot, where a seeded generator's state is shared.
     */
    private static SecureRandom randomSource() {
        try {
            return SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
