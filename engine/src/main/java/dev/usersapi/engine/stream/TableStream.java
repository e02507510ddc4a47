package dev.usersapi.engine.stream;

import dev.usersapi.engine.value.ItemSizes;
import dev.usersapi.engine.value.Value;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A table's DynamoDB stream: one record per item change, in the order the changes were made
 * (the developer guide, "Change data capture for DynamoDB Streams"), each with the images its
 * view type asks for; none for a write that changes nothing. Records older than 24 hours are
 * trimmed. One shard holds them; DynamoDB's shards roll over, and a reader that follows child
 * shards reads this one the same way.
 */
public final class TableStream {
    public static final Duration RETENTION = Duration.ofHours(24);
    private static final AtomicLong SEQUENCE = new AtomicLong(100_000_000_000_000_000L);

    /** A change, as GetRecords answers it. */
    public record Record(String eventId, String eventName, Instant created, Map<String, Value> keys, Optional<Map<String, Value>> newImage,
                         Optional<Map<String, Value>> oldImage, String sequenceNumber, long sizeBytes, String viewType,
                         Optional<String> userIdentity) {}

    private final String arn;
    private final String label;
    private final String viewType;
    private final String shardId;
    private final Instant created;
    private final Clock clock;
    private final dev.usersapi.engine.storage.Store store;
    private final List<Record> records = new ArrayList<>();
    private long trimmed;

    /** {@code store} keeps the records with the table's data, so a reopened engine still has them. */
    public TableStream(String arn, String label, String viewType, Instant created, Clock clock, dev.usersapi.engine.storage.Store store) {
        this.store = store;
        this.arn = arn;
        this.label = label;
        this.viewType = viewType;
        this.created = created;
        this.clock = clock;
        this.shardId = "shardId-" + String.format("%020d", created.toEpochMilli()) + "-" + UUID.nameUUIDFromBytes(arn.getBytes()).toString().substring(0, 8);
    }

    public String arn() {
        return arn;
    }

    public String label() {
        return label;
    }

    public String viewType() {
        return viewType;
    }

    public String shardId() {
        return shardId;
    }

    public Instant created() {
        return created;
    }

    /**
     * Records one change of one item. Called while the item's write lock is held, so an item's
     * records are in the order of its writes; equal before and after images record nothing.
     */
    public synchronized void changed(Map<String, Value> keys, Optional<Map<String, Value>> before, Optional<Map<String, Value>> after,
                                     Optional<String> userIdentity) {
        if (before.equals(after)) {
            return;
        }
        String name = before.isEmpty() ? "INSERT" : after.isEmpty() ? "REMOVE" : "MODIFY";
        boolean newImage = viewType.equals("NEW_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
        boolean oldImage = viewType.equals("OLD_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
        Optional<Map<String, Value>> shownNew = newImage ? after : Optional.empty();
        Optional<Map<String, Value>> shownOld = oldImage ? before : Optional.empty();
        long size = ItemSizes.of(keys) + shownNew.map(ItemSizes::of).orElse(0L) + shownOld.map(ItemSizes::of).orElse(0L);
        String sequence = String.format("%021d", SEQUENCE.incrementAndGet());
        Record record = new Record(UUID.randomUUID().toString().replace("-", ""), name, clock.instant(), keys, shownNew, shownOld, sequence, size,
                viewType, userIdentity);
        records.add(record);
        store.putRecord(arn, sequence, StoredRecords.encode(record));
        trim();
    }

    /** The records the store kept, after a reopen: sequence numbers go on above the highest. */
    public synchronized void restore() {
        for (var stored : store.records(arn)) {
            Record record = StoredRecords.decode(stored.getValue());
            records.add(record);
            SEQUENCE.accumulateAndGet(Long.parseLong(record.sequenceNumber()), Math::max);
        }
        trim();
    }

    private void trim() {
        Instant oldest = clock.instant().minus(RETENTION);
        int drop = 0;
        while (drop < records.size() && records.get(drop).created().isBefore(oldest)) {
            drop++;
        }
        if (drop > 0) {
            store.removeRecords(arn, records.get(drop - 1).sequenceNumber());
            records.subList(0, drop).clear();
            trimmed += drop;
        }
    }

    /** The absolute position of the first record kept: positions before it have been trimmed. */
    public synchronized long firstPosition() {
        trim();
        return trimmed;
    }

    public synchronized long endPosition() {
        return trimmed + records.size();
    }

    /** The absolute position of the record with this sequence number, if it is still kept. */
    public synchronized Optional<Long> positionOf(String sequenceNumber) {
        trim();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(sequenceNumber)) {
                return Optional.of(trimmed + i);
            }
        }
        return Optional.empty();
    }

    public synchronized Optional<String> firstSequenceNumber() {
        trim();
        return records.isEmpty() ? Optional.empty() : Optional.of(records.get(0).sequenceNumber());
    }

    /** Up to {@code limit} records from {@code position}; empty when the position was trimmed. */
    public synchronized Optional<List<Record>> read(long position, int limit) {
        trim();
        if (position < trimmed) {
            return Optional.empty();
        }
        int from = (int) Math.min(position - trimmed, records.size());
        return Optional.of(List.copyOf(records.subList(from, Math.min(records.size(), from + limit))));
    }
}
