package dev.usersapi.stream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.log.EmbeddedMetric;
import dev.usersapi.log.Invocation;
import dev.usersapi.log.JsonLines;
import java.util.List;

/**
 * The Lambda entry point of the stream consumer: {@code dev.usersapi.stream.UserStreamHandler::handleRequest}.
 * It stops at the first record that fails and reports that record's sequence number: with
 * ReportBatchItemFailures, Lambda then retries from exactly there, so no change is skipped and
 * the order per item holds. Records after the failure are left for the retry, not processed out of order.
 */
public final class UserStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final ChangeConsumer consumer;
    private final JsonLines log;

    public UserStreamHandler() {
        this(new ChangeLog(JsonLines.standardOutput()), JsonLines.standardOutput());
    }

    public UserStreamHandler(ChangeConsumer consumer, JsonLines log) {
        this.consumer = consumer;
        this.log = log;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Invocation.ofStream(context).run(() -> handle(event));
    }

    /**
     * A batch item failure is published as a metric (EMF, FailedRecords): Lambda's own Errors metric
     * never counts one, since the invocation succeeds.
     */
    private StreamsEventResponse handle(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            try {
                consumer.accept(StreamRecords.change(record));
            } catch (RuntimeException e) {
                String sequenceNumber = record.getDynamodb() == null ? "" : record.getDynamodb().getSequenceNumber();
                log.metric(new EmbeddedMetric(EmbeddedMetric.FAILED_RECORDS, 1));
                log.write(JsonLines.Level.ERROR, json -> {
                    json.writeStringField("message", "stream record failed; Lambda retries the batch from it");
                    json.writeStringField("eventId", String.valueOf(record.getEventID()));
                    json.writeStringField("sequenceNumber", String.valueOf(sequenceNumber));
                    json.writeStringField("error", e.toString());
                });
                return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(sequenceNumber)));
            }
        }
        return new StreamsEventResponse(List.of());
    }
}
