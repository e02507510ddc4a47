package dev.usersapi.engine.value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * An item left in the store when the engine opened: it holds the attributes the open read (keys,
 * index keys, projected and time-to-live attributes) and reads the rest from the store the first
 * time something asks. A reopen then keeps neither the items' bytes nor their values in memory
 * (100,000 users took 2-6 s to decode at open, most of it copying them between GC generations).
 *
 * <p>A write of the item calls {@link #settle} under the item's lock before it changes the store,
 * so the item is decoded from its stored bytes before they change. A reader racing with that
 * write reads the store and then looks again: if the writer has settled the item meanwhile, the
 * reader takes what the writer read, so it sees this item as it was, never its successor.
 */
public final class StoredItem extends AbstractMap<String, Value> {
    private final Map<String, Value> read;
    private final Set<String> readNames;
    private final Supplier<Optional<byte[]>> stored;
    private volatile Map<String, Value> decoded;

    /**
     * {@code read}: the item's attributes among {@code readNames}, all of them it has;
     * {@code stored}: the item's bytes in the store, as long as the item is there unchanged.
     */
    public StoredItem(Map<String, Value> read, Set<String> readNames, Supplier<Optional<byte[]>> stored) {
        this.read = read;
        this.readNames = readNames;
        this.stored = stored;
    }

    /** Decodes the item now, before a write changes what the store holds for it. */
    public void settle() {
        decoded();
    }

    private Map<String, Value> decoded() {
        Map<String, Value> known = decoded;
        if (known != null) {
            return known;
        }
        Optional<byte[]> bytes = stored.get();
        known = decoded;
        if (known != null) {
            return known;
        }
        byte[] item = bytes.orElseThrow(() -> new IllegalStateException("an item left in the store is gone from it: its table was deleted"));
        try (var parser = dev.usersapi.engine.json.JsonTrees.parser(item)) {
            known = Collections.unmodifiableMap(AttributeValues.stored(parser));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored item is unreadable", e);
        }
        decoded = known;
        return known;
    }

    @Override
    public Set<Entry<String, Value>> entrySet() {
        return decoded().entrySet();
    }

    @Override
    public Value get(Object name) {
        return readNames.contains(name) ? read.get(name) : decoded().get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return readNames.contains(name) ? read.containsKey(name) : decoded().containsKey(name);
    }

    @Override
    public int size() {
        return decoded().size();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Value> action) {
        decoded().forEach(action);
    }
}
