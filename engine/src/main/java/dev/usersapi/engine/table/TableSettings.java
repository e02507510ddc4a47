package dev.usersapi.engine.table;

import java.util.Map;
import java.util.Optional;

/** What UpdateTable, the backup and tag calls change: billing, stream, point-in-time recovery, tags. */
public record TableSettings(String billingMode, long readCapacity, long writeCapacity, Optional<String> streamViewType,
                            boolean pointInTimeRecovery, Map<String, String> tags) {
    public TableSettings {
        tags = Map.copyOf(tags);
    }
}
