package dev.usersapi.stacks;

import com.pulumi.aws.cognito.CognitoFunctions;
import com.pulumi.aws.cognito.inputs.GetUserPoolClientArgs;
import com.pulumi.core.Output;
import com.pulumi.core.internal.OutputData;
import com.pulumi.core.internal.OutputInternal;
import dev.usersapi.client.smoke.ClientCredentials;
import dev.usersapi.client.smoke.SmokeCheck;
import dev.usersapi.client.smoke.SmokeCommand;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The last step of every update: the smoke check ({@link SmokeCheck}) through the deployed API,
 * so that an update, and so the operator's Stack status and prod's prerequisite on staging,
 * succeeds only when the API answered.
 *
 * <p>Why an apply over the API's outputs: during {@code pulumi up} an output resolves once its
 * resource's step is done, so an apply over {@link UsersHttpApi#deployedUrl()} runs after the
 * stage, the routes, the invoke permission and the function's alias were updated; an exception
 * it throws fails the program, and the engine then marks the update failed (what was already
 * changed stays, as after any failed update). Its result is exported, which is what makes the
 * SDK wait for it. A preview never runs it: {@code isDryRun} is checked first, because in a
 * preview the outputs of unchanged resources are known and the apply would otherwise call the
 * API. Nothing it reads is kept: the exported value is the list of steps, the app client's secret
 * comes from an invoke ({@code aws:cognito/getUserPoolClient}, DescribeUserPoolClient), whose
 * results Pulumi does not store in the state, and the token lives only in memory. (The app client
 * resource's own {@code clientSecret} output is in the state, as a secret: hence the client's
 * {@link SmokeCheck#SCOPES}, without {@code users/admin}.) A Lambda
 * invocation resource would have run the check inside AWS, but it stores its result in the
 * state and needs a second function with its own role for what the deployer can do from here.
 */
final class DeployedApiCheck {
    /** How the check gets a token: the Cognito app client the program's identity creates for it. */
    record Credentials(Output<String> userPoolId, Output<String> clientId, Output<String> tokenUrl, List<String> scopes) {
        /** The token asks for the scopes the client was granted: Cognito refuses any other (invalid_scope). */
        static Credentials of(UsersIdentity.Client client) {
            return new Credentials(client.userPoolId(), client.clientId(), client.tokenUrl(), client.scopes());
        }
    }

    /** Runs the check against a URL with an optional bearer token; returns the summary or throws. */
    @FunctionalInterface
    interface Runner {
        String run(SmokeCheck.Target target);

        Runner SMOKE_CHECK = target -> new SmokeCheck(target, SmokeCheck.Patience.deployed()).run().summary();
    }

    /** The app client's secret, read when the check runs (an invoke: never stored in the state). */
    @FunctionalInterface
    interface SecretReader {
        Output<String> secret(String userPoolId, String clientId);

        SecretReader COGNITO = (userPoolId, clientId) -> CognitoFunctions.getUserPoolClient(GetUserPoolClientArgs.builder()
                .userPoolId(userPoolId).clientId(clientId).build()).applyValue(client -> client.clientSecret());
    }

    private DeployedApiCheck() {}

    /**
     * The check's summary once it passed; unknown in a preview. {@code credentials}: the app
     * client to get a token from; without one, a token (or an app client) from the environment as
     * {@code bin/smoke} takes it, for a stack that brings its own issuer; else no token at all.
     */
    static Output<String> after(Output<String> deployedUrl, Optional<Credentials> credentials, boolean dryRun,
                                Runner runner, SecretReader secrets) {
        if (dryRun) {
            return new OutputInternal<>(OutputData.unknown());
        }
        return deployedUrl.apply(url -> credentials
                .map(client -> Output.all(client.userPoolId(), client.clientId(), client.tokenUrl()).apply(ids ->
                        secrets.secret(ids.get(0), ids.get(1)).applyValue(secret -> runner.run(SmokeCheck.Target.withToken(URI.create(url),
                                ClientCredentials.accessToken(URI.create(ids.get(2)), ids.get(1), secret, client.scopes(),
                                        SmokeCheck.Patience.deployed().ready(), SmokeCheck.Patience.deployed().poll()))))))
                .orElseGet(() -> Output.of(runner.run(SmokeCommand.target(URI.create(url), System.getenv())))));
    }
}
