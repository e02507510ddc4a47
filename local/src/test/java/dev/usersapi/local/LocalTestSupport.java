package dev.usersapi.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.declaration.StackFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** An in-memory engine holding the dev stack's table, for tests of the stream machinery. */
public final class LocalTestSupport {
    private LocalTestSupport() {}

    public record Table(LocalDynamoDb dynamo, String name, String streamArn) implements AutoCloseable {
        public DynamoDbClient client() {
            return dynamo.client();
        }

        public DynamoDbStreamsClient streams() {
            return dynamo.streams();
        }

        /** Every record of every shard, from the start. */
        public List<Record> readAllRecords() {
            List<Record> records = new ArrayList<>();
            for (var shard : streams().describeStream(d -> d.streamArn(streamArn)).streamDescription().shards()) {
                String iterator = streams().getShardIterator(g -> g.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String current = iterator;
                    var response = streams().getRecords(g -> g.shardIterator(current));
                    records.addAll(response.records());
                    iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                }
            }
            return records;
        }

        /** Has the engine expire what is due now; returns how many items went. */
        public int expireNow() {
            return dynamo.expireNow().orElseThrow();
        }

        @Override
        public void close() {
            dynamo.close();
        }
    }

    public static Table streamTable() {
        return streamTable(java.time.Clock.systemUTC());
    }

    /** The same, on an engine whose clock (stream retention, time to live) the test moves. */
    public static Table streamTable(java.time.Clock clock) {
        LocalDynamoDb dynamo = LocalDynamoDb.embedded(Optional.empty(), OptionalInt.empty(), clock, java.time.Duration.ofHours(1));
        var declaration = StackFile.load(ProjectLayout.current(), "dev").table();
        var description = LocalTables.ensure(dynamo.client(), declaration, "users");
        return new Table(dynamo, "users", description.latestStreamArn());
    }

    /** The event as the Lambda Java runtime deserializes it for a handler. */
    public static DynamodbEvent lambdaDeserialize(String json) {
        return new LambdaInvoker<>((DynamodbEvent event, com.amazonaws.services.lambda.runtime.Context context) ->
                new StreamsEventResponse(), DynamodbEvent.class, StreamsEventResponse.class).parse(json);
    }
}
