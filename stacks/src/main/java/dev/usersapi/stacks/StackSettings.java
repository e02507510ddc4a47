package dev.usersapi.stacks;

import dev.usersapi.declaration.ConfigSection;
import dev.usersapi.declaration.StackDeclarationException;
import dev.usersapi.declaration.StackFile;
import dev.usersapi.declaration.StreamConsumerDeclaration;
import dev.usersapi.declaration.TableDeclaration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one environment's stack file says, checked before a single resource is declared.
 * The stack files say what differs per environment; the program says how.
 */
public record StackSettings(
        String stack,
        String region,
        TableDeclaration table,
        TableDeclaration idempotencyTable,
        StreamConsumerDeclaration streamConsumer,
        Functions functions,
        Api api,
        Alarms alarms,
        boolean protectData,
        Optional<Backup> backup,
        /*
         * Every setting that still holds a placeholder (Placeholders: REPLACEME, your-org, AWS's
         * example account ids, example.com), each as "setting: value". Some have no default to fall
         * back on (who is paged, where backups go), so the stack files ship them as placeholders: a
         * preview warns, {@code pulumi up} refuses (UsersApiProgram.define), since the stack would
         * page nobody or copy backups to an account nobody owns.
         */
        List<String> placeholders) {

    /** The config keys of the project namespace this program reads, without the {@code users-api:} prefix. */
    public static final List<String> KEYS = List.of("table", "idempotencyTable", "streamConsumer", "functions", "api", "alarms", "protectData", "backup");

    /** The AWS provider's region setting, which the program reads too. */
    public static final String REGION_KEY = "aws:region";

    /** One function's size; {@code reservedConcurrency} caps it and keeps that much of the account's concurrency for it. */
    public record Function(int memoryMb, int timeoutSeconds, int reservedConcurrency) {}

    /** {@code applicationLogLevel}: the lowest level of the handlers' JSON lines that Lambda sends to CloudWatch Logs. */
    public record Functions(String architecture, boolean snapStart, int logRetentionDays, String applicationLogLevel,
                            Function api, Function stream) {}

    public record Throttle(int burstLimit, double rateLimit) {}

    /**
     * An identity provider the stack brings instead of the Cognito user pool the program creates:
     * the issuer of its access tokens and the audiences (or, for tokens without {@code aud}, the
     * {@code client_id}s) API Gateway's JWT authorizer admits.
     */
    public record Jwt(String issuer, List<String> audiences) {}

    /**
     * {@code routeThrottles}: per route key ("GET /users"), a throttle lower than the stage's, which
     * applies to every other route (reads by id among them).
     */
    public record Api(int throttleBurstLimit, double throttleRateLimit, int accessLogRetentionDays,
                      Optional<dev.usersapi.declaration.CorsDeclaration> cors, Optional<Jwt> jwt, java.util.Map<String, Throttle> routeThrottles,
                      List<String> adminClients) {}

    /** Where an alarm's notification goes: an SNS subscription (protocol and endpoint, as SNS takes them). */
    public record Subscription(String protocol, String endpoint) {}

    public record Alarms(boolean enabled, List<Subscription> subscriptions) {}

    /**
     * An AWS Backup plan for the users table: a daily backup kept {@code retentionDays} in a vault of
     * this account, copied to {@code copyVaultName} in account {@code copyAccountId} and kept there
     * {@code copyRetentionDays}, so a compromised or closed account does not take the backups with it.
     */
    public record Backup(String copyAccountId, String copyVaultName, String copyRegion, int retentionDays, int copyRetentionDays) {}

    /** The protocols an alarm subscription may use: SNS's, less those that need a confirmation nobody answers (sms is per number, costly). */
    private static final Set<String> SUBSCRIPTION_PROTOCOLS = Set.of("email", "email-json", "https", "sqs", "lambda");
    /** Lambda's application log levels (Lambda developer guide, "Log-level filtering"). */
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

    /**
     * The stacks whose users are real: the pack's {@code users-retention-off} rule is mandatory
     * there (policy/config/&lt;stack&gt;.json; a test keeps the two equal), so no retention deletes them.
     */
    static final Set<String> STACKS_THAT_KEEP_USERS = Set.of("staging", "prod");

    /** CloudWatch Logs accepts only these retention periods. */
    private static final Set<Integer> LOG_RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
            731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    public static StackSettings from(StackFile file) {
        ConfigSection functions = file.section("users-api:functions").allowOnly("architecture", "snapStart", "logRetentionDays",
                "applicationLogLevel", "api", "stream");
        ConfigSection api = file.section("users-api:api").allowOnly("throttle", "routeThrottles", "accessLogRetentionDays", "cors", "jwt", "adminClients");
        ConfigSection throttle = api.section("throttle").allowOnly("burstLimit", "rateLimit");
        Throttle stage = new Throttle(throttle.integer("burstLimit", 100, 1, 100_000), throttle.integer("rateLimit", 50, 1, 100_000));
        ConfigSection alarms = file.section("users-api:alarms").allowOnly("enabled", "subscriptions");
        List<String> placeholders = new java.util.ArrayList<>();
        for (String key : KEYS) {
            file.value(StackFile.PROJECT + ":" + key).ifPresent(value -> Placeholders.findAnywhere(StackFile.PROJECT + ":" + key, value, placeholders));
        }
        file.value(REGION_KEY).ifPresent(value -> Placeholders.findAnywhere(REGION_KEY, value, placeholders));
        StackSettings settings = new StackSettings(
                file.stack(),
                file.value(REGION_KEY).map(String::valueOf).orElseThrow(() -> new StackDeclarationException(
                        REGION_KEY + " must be set: the stack's resources and the conditions of its policies name the region")),
                file.table(),
                file.idempotencyTable(),
                file.streamConsumer(),
                new Functions(
                        functions.oneOf("architecture", "arm64", Set.of("arm64", "x86_64")),
                        functions.bool("snapStart", true),
                        logRetention(functions, "logRetentionDays"),
                        functions.oneOf("applicationLogLevel", "INFO", LOG_LEVELS),
                        function(functions.section("api"), 1024, 10, 10),
                        function(functions.section("stream"), 512, 30, 2)),
                new Api(
                        stage.burstLimit(),
                        stage.rateLimit(),
                        logRetention(api, "accessLogRetentionDays"),
                        file.cors(),
                        api.optionalSection("jwt").map(StackSettings::externalIssuer),
                        routeThrottles(api.section("routeThrottles"), stage),
                        adminClients(api)),
                new Alarms(alarms.bool("enabled", false), alarms.sections("subscriptions").stream().map(subscription -> {
                    subscription.allowOnly("protocol", "endpoint");
                    return new Subscription(subscription.oneOf("protocol", "email", SUBSCRIPTION_PROTOCOLS), subscription.string("endpoint"));
                }).toList()),
                file.value("users-api:protectData").map(value -> {
                    if (value instanceof Boolean flag) {
                        return flag;
                    }
                    throw new StackDeclarationException("users-api:protectData must be true or false, got " + value);
                }).orElse(false),
                file.section("users-api:backup").has("copyAccountId") ? Optional.of(backup(file.section("users-api:backup"))) : Optional.empty(),
                List.copyOf(placeholders));
        settings.checkMandatoryRules();
        settings.checkBurstWithinReservedConcurrency();
        return settings;
    }

    /**
     * The policy pack's mandatory rules, enforced again here so that a stack file that breaks them
     * fails at the start of any run: `pulumi up` from a laptop, CI, or the Kubernetes operator,
     * which has no policy-pack setting of its own. The messages are the pack's.
     */
    void checkMandatoryRules() {
        for (TableDeclaration declared : List.of(table, idempotencyTable)) {
            if (!declared.pointInTimeRecovery()) {
                throw new StackDeclarationException(PolicyMessages.POINT_IN_TIME_RECOVERY);
            }
            if (!declared.encryption().enabled()) {
                throw new StackDeclarationException(PolicyMessages.ENCRYPTION);
            }
            if (!declared.billingMode().equals("PAY_PER_REQUEST")) {
                throw new StackDeclarationException(PolicyMessages.PAY_PER_REQUEST);
            }
        }
        if (STACKS_THAT_KEEP_USERS.contains(stack) && table.retention().isPresent()) {
            throw new StackDeclarationException(PolicyMessages.USERS_KEPT);
        }
        if (!protectData && (table.deletionProtection() || idempotencyTable.deletionProtection())) {
            throw new StackDeclarationException(StackFile.PROJECT + ":protectData must be true where a table has deletion protection:"
                    + " a change that replaces the table would create the new one and point the functions at it, then fail to delete the old one");
        }
        if (idempotencyTable.retention().isEmpty() || idempotencyTable.ttlAttribute().isEmpty()) {
            throw new StackDeclarationException(StackFile.IDEMPOTENCY_TABLE_KEY + " needs a retention and a ttlAttribute: keys expire");
        }
        if (backup.isPresent() && !alarms.enabled()) {
            throw new StackDeclarationException(StackFile.PROJECT + ":backup needs " + StackFile.PROJECT + ":alarms.enabled: a failed"
                    + " backup or copy job notifies the alarm topic, and without it would fail every night unheard");
        }
    }

    /**
     * A burst the stage (or a route) admits must fit in the API function's reserved concurrency:
     * the requests beyond it are throttled by Lambda, and an HTTP API, which has no gateway
     * responses to map that to, answers them with a bare 500 ("If the backend service throttled
     * ... the API Gateway API might return an Internal server error",
     * https://repost.aws/knowledge-center/api-gateway-internal-server-error), not the contract's
     * 503 with Retry-After, and the api-5xx-rate alarm counts them.
     */
    void checkBurstWithinReservedConcurrency() {
        int reserved = functions.api().reservedConcurrency();
        java.util.Map<String, Integer> bursts = new java.util.LinkedHashMap<>();
        bursts.put(StackFile.PROJECT + ":api.throttle.burstLimit", api.throttleBurstLimit());
        api.routeThrottles().forEach((route, throttle) ->
                bursts.put(StackFile.PROJECT + ":api.routeThrottles[\"" + route + "\"].burstLimit", throttle.burstLimit()));
        bursts.forEach((setting, burst) -> {
            if (burst > reserved) {
                throw new StackDeclarationException(setting + " (" + burst + ") is above " + StackFile.PROJECT
                        + ":functions.api.reservedConcurrency (" + reserved + "): Lambda throttles the requests of a burst beyond the"
                        + " function's reserved concurrency and the HTTP API answers them with a bare 500"
                        + " (https://repost.aws/knowledge-center/api-gateway-internal-server-error); lower the burst or raise the"
                        + " reserved concurrency");
            }
        });
    }

    /** API Gateway fetches the issuer's keys from {@code <issuer>/.well-known/openid-configuration}: it must be https. */
    /**
     * {@code adminClients}: ids of app clients of the stack's own user pool made outside the program
     * (so their secrets are in no Pulumi state a preview may decrypt), which the authorizer admits
     * beside the program's two; the one way to list and search users in the cloud, since neither of
     * the program's clients has {@code users/admin}.
     */
    private static List<String> adminClients(ConfigSection api) {
        List<String> clients = api.strings("adminClients");
        if (!clients.isEmpty() && api.has("jwt")) {
            throw new StackDeclarationException(api.where() + ".adminClients names clients of the pool the program creates;"
                    + " with jwt (an issuer of the stack's own), list them in jwt.audiences");
        }
        for (String client : clients) {
            // Cognito's ClientId: 1 to 128 characters of [\w+] (API Reference, DescribeUserPoolClient).
            if (!client.matches("[\\w+]{1,128}")) {
                throw new StackDeclarationException(api.where() + ".adminClients: " + client + " is not a Cognito app client id");
            }
        }
        return clients;
    }

    private static Jwt externalIssuer(ConfigSection jwt) {
        jwt.allowOnly("issuer", "audiences");
        String issuer = jwt.string("issuer");
        List<String> audiences = jwt.strings("audiences");
        if (!issuer.startsWith("https://") || issuer.length() == "https://".length()) {
            throw new StackDeclarationException(jwt.where() + ".issuer must be the identity provider's https:// issuer URL, got " + issuer);
        }
        if (audiences.isEmpty()) {
            throw new StackDeclarationException(jwt.where() + ".audiences must name at least one audience (a Cognito app client id, "
                    + "for Cognito's access tokens): API Gateway admits a token only for one of them");
        }
        refusePlaceholder(jwt.where() + ".issuer", issuer);
        audiences.forEach(audience -> refusePlaceholder(jwt.where() + ".audiences", audience));
        return new Jwt(issuer, audiences);
    }

    private static void refusePlaceholder(String where, String value) {
        if (Placeholders.in(value).isPresent()) {
            throw new StackDeclarationException(where + " holds a placeholder (" + value + "): set the real value, "
                    + "or remove users-api:api.jwt and the program creates the identity provider");
        }
    }

    private static Function function(ConfigSection section, int memoryMb, int timeoutSeconds, int reservedConcurrency) {
        section.allowOnly("memoryMb", "timeoutSeconds", "reservedConcurrency");
        return new Function(section.integer("memoryMb", memoryMb, 128, 10_240), section.integer("timeoutSeconds", timeoutSeconds, 1, 900),
                section.integer("reservedConcurrency", reservedConcurrency, 1, 10_000));
    }

    /** Each route's throttle must be lower than the stage's: a higher one would be capped by the stage's anyway. */
    private static java.util.Map<String, Throttle> routeThrottles(ConfigSection section, Throttle stage) {
        int stageBurst = stage.burstLimit();
        int stageRate = (int) stage.rateLimit();
        java.util.Map<String, Throttle> throttles = new java.util.TreeMap<>();
        for (String routeKey : section.keys()) {
            ConfigSection route = section.section(routeKey).allowOnly("burstLimit", "rateLimit");
            throttles.put(routeKey, new Throttle(route.integer("burstLimit", stageBurst, 1, stageBurst),
                    route.integer("rateLimit", stageRate, 1, stageRate)));
        }
        return java.util.Collections.unmodifiableMap(throttles);
    }

    private static Backup backup(ConfigSection section) {
        section.allowOnly("copyAccountId", "copyVaultName", "copyRegion", "retentionDays", "copyRetentionDays");
        String account = section.string("copyAccountId");
        if (!account.matches("[0-9]{12}")) {
            throw new StackDeclarationException(section.where() + ".copyAccountId must be a 12-digit AWS account id, got " + account);
        }
        return new Backup(account, section.string("copyVaultName"), section.string("copyRegion"),
                section.integer("retentionDays", 35, 1, 36_500), section.integer("copyRetentionDays", 90, 1, 36_500));
    }

    private static int logRetention(ConfigSection section, String key) {
        int days = section.integer(key, 14, 1, 3653);
        if (!LOG_RETENTION_DAYS.contains(days)) {
            throw new StackDeclarationException(section.where() + "." + key + " must be one CloudWatch Logs accepts: "
                    + new java.util.TreeSet<>(LOG_RETENTION_DAYS));
        }
        return days;
    }
}
