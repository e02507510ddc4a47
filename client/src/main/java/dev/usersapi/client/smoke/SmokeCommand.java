package dev.usersapi.client.smoke;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bin/smoke <api-url>}: the smoke check by hand against any deployed URL. Where its routes
 * need a token, give one in {@code USERS_API_TOKEN}, or the client-credentials app client to get
 * one with: {@code USERS_API_TOKEN_URL}, {@code USERS_API_CLIENT_ID}, {@code USERS_API_CLIENT_SECRET}
 * (and {@code USERS_API_SCOPES}, default {@code users/read users/write}: with a token the check
 * expects the listing to be refused, so a token with {@code users/admin} fails it). Credentials come
 * from the environment, never the command line, where other users of the machine could read them.
 */
public final class SmokeCommand {
    private SmokeCommand() {}

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: bin/smoke <api-url>   (token: USERS_API_TOKEN, or USERS_API_TOKEN_URL + USERS_API_CLIENT_ID + USERS_API_CLIENT_SECRET)");
            System.exit(2);
        }
        try {
            SmokeCheck.Report report = new SmokeCheck(target(URI.create(args[0]), System.getenv()), SmokeCheck.Patience.deployed()).run();
            report.steps().forEach(step -> System.out.println("ok  " + step.name() + ": " + step.saw()));
            System.out.println(report.summary());
        } catch (SmokeCheck.Failure | IllegalStateException failure) {
            System.err.println(failure.getMessage());
            System.exit(1);
        }
    }

    /** The target for {@code url}, with the token or app client the environment names, if any. */
    public static SmokeCheck.Target target(URI url, Map<String, String> env) {
        Optional<String> token = Optional.ofNullable(env.get("USERS_API_TOKEN")).filter(value -> !value.isBlank());
        if (token.isPresent()) {
            return SmokeCheck.Target.withToken(url, token.get());
        }
        if (env.containsKey("USERS_API_CLIENT_ID")) {
            List<String> scopes = Arrays.asList(env.getOrDefault("USERS_API_SCOPES", String.join(" ", SmokeCheck.SCOPES)).strip().split("\\s+"));
            String issued = ClientCredentials.accessToken(URI.create(required(env, "USERS_API_TOKEN_URL")),
                    env.get("USERS_API_CLIENT_ID"), required(env, "USERS_API_CLIENT_SECRET"), scopes);
            return SmokeCheck.Target.withToken(url, issued);
        }
        return SmokeCheck.Target.open(url);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }
}
