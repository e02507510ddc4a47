package dev.usersapi.store;

import dev.usersapi.model.UserKey;
import java.util.Optional;

/**
 * Where a listing resumes: the key of the last item read, plus the index key when the
 * listing is an email lookup (DynamoDB needs all of them to resume a query on an index).
 */
public record PageStart(UserKey after, Optional<String> email) {}
