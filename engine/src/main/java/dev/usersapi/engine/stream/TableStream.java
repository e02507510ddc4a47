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
 * trimmed. Records live in shards, and a shard is closed after about four hours, as DynamoDB's
 * are, when the next change opens its child: a reader finishes the parent (its last GetRecords
 * gives no NextShardIterator) and goes on with the child, whose ParentShardId names it.
 */
public final class TableStream {
    public static final Duration RETENTION = Duration.ofHours(24);
    /** How long a shard takes changes before its child takes over ("Reading and processing a stream": shards are ephemeral). */
    public static final Duration SHARD_LIFETIME = Duration.ofHours(4);
    private static final AtomicLong SEQUENCE = new AtomicLong(100_000_000_000_000_000L);

    /** A change, as GetRecords answers it, and the shard that holds it. */
    public record Record(String eventId, String eventName, Instant created, Map<String, Value> keys, Optional<Map<String, Value>> newImage,
                         Optional<Map<String, Value>> oldImage, String sequenceNumber, long sizeBytes, String viewType,
                         Optional<String> userIdentity, String shardId) {}

    /** A shard: the records from {@code start} up to {@code end} (absolute positions), open while {@code end} is empty. */
    public record Shard(String id, Optional<String> parentId, long start, java.util.OptionalLong end, Instant created) {
        boolean holds(long position) {
            return position >= start && (end.isEmpty() || position < end.getAsLong());
        }

        Shard closedAt(long position) {
            return new Shard(id, parentId, start, java.util.OptionalLong.of(position), created);
        }
    }

    /** What GetRecords gives: records of one shard, and whether they reach the end of a closed shard. */
    public record Page(List<Record> records, boolean shardEnded) {}

    private final String arn;
    private final String label;
    private final String viewType;
    private final Instant created;
    private final Clock clock;
    private final dev.usersapi.engine.storage.Store store;
    /**
     * The records kept, oldest first. Those read back from the store stay there until a reader
     * asks for them: a reopen reads only their headers (sequence, time and shard), kept apart
     * from the records so that it reads no images.
     */
    private final List<Kept> records = new ArrayList<>();
    private final String firstShardId;
    private final List<Shard> shards = new ArrayList<>();
    private long trimmed;
    private Optional<Instant> closed = Optional.empty();

    /** {@code store} keeps the records with the table's data, so a reopened engine still has them. */
    public TableStream(String arn, String label, String viewType, Instant created, Clock clock, dev.usersapi.engine.storage.Store store) {
        this.store = store;
        this.arn = arn;
        this.label = label;
        this.viewType = viewType;
        this.created = created;
        this.clock = clock;
        this.firstShardId = shardIdFor(created, 0);
        shards.add(new Shard(firstShardId, Optional.empty(), 0, java.util.OptionalLong.empty(), created));
    }

    /** A record as kept: decoded when it was made here; read from the store when a reader asks, after a reopen. */
    private record Kept(String sequenceNumber, Instant created, String shardId, Optional<Record> decoded) {}

    private Record recordOf(Kept kept) {
        return kept.decoded().orElseGet(() -> StoredRecords.decode(store.record(arn, kept.sequenceNumber())
                .orElseThrow(() -> new IllegalStateException("stream record " + kept.sequenceNumber() + " is missing from the store")), kept.shardId()));
    }

    /** A sequence number as DynamoDB writes them: 21 digits, zero-padded, so that their text orders them. */
    public static String sequenceNumber(long position) {
        String digits = Long.toString(position);
        return "0".repeat(Math.max(0, 21 - digits.length())) + digits;
    }

    private String shardIdFor(Instant opened, long start) {
        String origin = arn + "#" + start;
        return "shardId-" + String.format("%020d", opened.toEpochMilli()) + "-"
                + UUID.nameUUIDFromBytes(origin.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().substring(0, 8);
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

    public Instant created() {
        return created;
    }

    /**
     * Records one change of one item, not yet in the store: the caller holds this stream's lock
     * until it has written the record ({@link #store}) with the change in one atomic write, or
     * {@link #forget forgotten} it, so no reader sees it before. Called while the item's write
     * lock is held, so an item's records are in the order of its writes; equal before and after
     * images record nothing.
     */
    public synchronized Optional<Record> changed(Map<String, Value> keys, Optional<Map<String, Value>> before, Optional<Map<String, Value>> after,
                                                 Optional<String> userIdentity) {
        if (before.equals(after)) {
            return Optional.empty();
        }
        trim();
        Instant now = clock.instant();
        long position = trimmed + records.size();
        Shard open = shards.get(shards.size() - 1);
        if (position > open.start() && !now.isBefore(open.created().plus(SHARD_LIFETIME))) {
            shards.set(shards.size() - 1, open.closedAt(position));
            open = new Shard(shardIdFor(now, position), Optional.of(open.id()), position, java.util.OptionalLong.empty(), now);
            shards.add(open);
        }
        String name = before.isEmpty() ? "INSERT" : after.isEmpty() ? "REMOVE" : "MODIFY";
        boolean newImage = viewType.equals("NEW_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
        boolean oldImage = viewType.equals("OLD_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
        Optional<Map<String, Value>> shownNew = newImage ? after : Optional.empty();
        Optional<Map<String, Value>> shownOld = oldImage ? before : Optional.empty();
        long size = ItemSizes.of(keys) + shownNew.map(ItemSizes::of).orElse(0L) + shownOld.map(ItemSizes::of).orElse(0L);
        String sequence = sequenceNumber(SEQUENCE.incrementAndGet());
        // An event id needs to be unique, not unguessable: no SecureRandom per record.
        var random = java.util.concurrent.ThreadLocalRandom.current();
        String eventId = new UUID(random.nextLong(), random.nextLong()).toString().replace("-", "");
        Record record = new Record(eventId, name, now, keys, shownNew, shownOld, sequence, size, viewType, userIdentity, open.id());
        records.add(new Kept(sequence, now, open.id(), Optional.of(record)));
        return Optional.of(record);
    }

    /**
     * The stream is disabled: "If you disable a stream, any shards that are open will be closed.
     * The data in the stream will continue to be readable for 24 hours" (developer guide, "Change
     * data capture for DynamoDB Streams"). DescribeStream then gives the shard's
     * EndingSequenceNumber, and GetRecords read to its end gives no NextShardIterator.
     */
    public synchronized void close() {
        close(clock.instant());
    }

    /** Closes the stream as it was closed at {@code at}: how a reopen restores a disabled stream. */
    public synchronized void close(Instant at) {
        Shard open = shards.get(shards.size() - 1);
        if (open.end().isEmpty()) {
            shards.set(shards.size() - 1, open.closedAt(trimmed + records.size()));
        }
        if (closed.isEmpty()) {
            closed = Optional.of(at);
        }
    }

    /** When the stream was disabled, if it was. */
    public synchronized Optional<Instant> closed() {
        return closed;
    }

    /** A disabled stream is gone 24 hours after it was disabled: its records, readable until then, all are. */
    public synchronized boolean expired() {
        return closed.isPresent() && !clock.instant().isBefore(closed.get().plus(RETENTION));
    }

    /** Adds a record made by {@link #changed} to the atomic write that carries its change. */
    public void store(Record record, dev.usersapi.engine.storage.Store.Batch batch) {
        batch.putRecord(arn, record.sequenceNumber(), StoredRecords.header(record), StoredRecords.encode(record));
    }

    /** Takes back the newest record, made by {@link #changed}, whose write failed. */
    public synchronized void forget(Record record) {
        if (!records.isEmpty() && records.get(records.size() - 1).sequenceNumber().equals(record.sequenceNumber())) {
            records.remove(records.size() - 1);
        }
    }

    /**
     * The records the store kept, after a reopen: sequence numbers go on above the highest, and
     * the shards are rebuilt from the shard each record names, each the child of the one before.
     */
    public synchronized void restore() {
        shards.clear();
        for (var stored : store.recordHeaders(arn)) {
            StoredRecords.Header header = StoredRecords.header(stored.getValue(), firstShardId);
            Kept record = new Kept(header.sequenceNumber(), header.created(), header.shardId(), Optional.empty());
            long position = records.size();
            if (shards.isEmpty() || !shards.get(shards.size() - 1).id().equals(record.shardId())) {
                Optional<String> parent = Optional.empty();
                if (!shards.isEmpty()) {
                    Shard previous = shards.get(shards.size() - 1);
                    shards.set(shards.size() - 1, previous.closedAt(position));
                    parent = Optional.of(previous.id());
                }
                shards.add(new Shard(record.shardId(), parent, position, java.util.OptionalLong.empty(),
                        shards.isEmpty() ? created : record.created()));
            }
            records.add(record);
            SEQUENCE.accumulateAndGet(Long.parseLong(record.sequenceNumber()), Math::max);
        }
        if (shards.isEmpty()) {
            shards.add(new Shard(firstShardId, Optional.empty(), 0, java.util.OptionalLong.empty(), created));
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
        // A closed shard whose every record is gone is gone too; the last one (open, or closed with its disabled stream) always stays.
        Shard last = shards.get(shards.size() - 1);
        shards.removeIf(shard -> shard != last && shard.end().isPresent() && shard.end().getAsLong() <= trimmed);
    }

    /** The shards kept, oldest first: the last is open. */
    public synchronized List<Shard> shards() {
        trim();
        return List.copyOf(shards);
    }

    public synchronized Optional<Shard> shard(String shardId) {
        trim();
        return kept(shardId);
    }

    private Optional<Shard> kept(String shardId) {
        return shards.stream().filter(each -> each.id().equals(shardId)).findFirst();
    }

    /** The position a TRIM_HORIZON iterator of the shard starts at: its first record still kept. */
    public synchronized long firstPosition(Shard shard) {
        trim();
        return Math.max(shard.start(), trimmed);
    }

    /** The position a LATEST iterator starts at: after the shard's last record. */
    public synchronized long endPosition(Shard shard) {
        return shard.end().orElse(trimmed + records.size());
    }

    /** The sequence numbers of the shard's first and, once closed, last record still kept. */
    public synchronized Optional<String> sequenceAt(long position) {
        if (position < trimmed || position >= trimmed + records.size()) {
            return Optional.empty();
        }
        return Optional.of(records.get((int) (position - trimmed)).sequenceNumber());
    }

    /** The absolute position of the record with this sequence number in this shard, if it is still kept. */
    public synchronized Optional<Long> positionOf(Shard shard, String sequenceNumber) {
        trim();
        // Sequence numbers are fixed-width and rise with every record: their text orders them.
        int low = 0;
        int high = records.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = records.get(middle).sequenceNumber().compareTo(sequenceNumber);
            if (order == 0) {
                long position = trimmed + middle;
                return shard.holds(position) ? Optional.of(position) : Optional.empty();
            }
            if (order < 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return Optional.empty();
    }

    /**
     * Up to {@code limit} of the shard's records from {@code position}; empty when the position or
     * the shard was trimmed. The shard is looked up here, under the stream's lock, so a rollover
     * between a reader's lookup and its read cannot hand it the child's records.
     */
    public synchronized Optional<Page> read(String shardId, long position, int limit) {
        trim();
        Optional<Shard> shard = kept(shardId);
        if (shard.isEmpty() || position < trimmed) {
            return Optional.empty();
        }
        long end = Math.min(trimmed + records.size(), shard.get().end().orElse(Long.MAX_VALUE));
        int from = (int) Math.min(position - trimmed, records.size());
        int to = (int) Math.max(from, Math.min(end - trimmed, from + (long) limit));
        List<Record> read = new ArrayList<>(to - from);
        for (Kept kept : records.subList(from, to)) {
            read.add(recordOf(kept));
        }
        boolean ended = shard.get().end().isPresent() && trimmed + to >= shard.get().end().getAsLong();
        return Optional.of(new Page(List.copyOf(read), ended));
    }
}
