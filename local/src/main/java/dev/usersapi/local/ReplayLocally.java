package dev.usersapi.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.stream.UserStreamHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The local half of {@code bin/replay-stream-failures local}: invokes the stream handler, as the
 * Lambda runtime would, with each event FailureReplay re-read from the stream; exit status 1 when
 * it reports a failure again.
 */
public final class ReplayLocally {
    private ReplayLocally() {}

    public static void main(String[] args) throws IOException {
        var lambda = new LambdaInvoker<>(new UserStreamHandler(), DynamodbEvent.class, StreamsEventResponse.class);
        int status = 0;
        for (String file : args) {
            String answer = lambda.invoke(Files.readString(Path.of(file), StandardCharsets.UTF_8),
                    new LocalContext(UUID.randomUUID().toString(), "users-stream"));
            if (answer.contains("\"itemIdentifier\"")) {
                System.err.println(file + ": the handler failed again: " + answer);
                status = 1;
            }
        }
        System.exit(status);
    }
}
