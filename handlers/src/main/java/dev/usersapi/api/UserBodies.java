package dev.usersapi.api;

import static dev.usersapi.api.RequestLimits.MAX_AGE;
import static dev.usersapi.api.RequestLimits.MAX_EMAIL_LENGTH;
import static dev.usersapi.api.RequestLimits.MAX_NAME_LENGTH;
import static dev.usersapi.api.RequestLimits.MIN_AGE;

import dev.usersapi.api.Problem.InvalidInput;
import dev.usersapi.model.NewUser;
import dev.usersapi.model.UserChanges;
import dev.usersapi.model.UserKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request bodies of the API, checked member by member. Every problem in a body is reported
 * at once, each with the JSON pointer of its member, so a client fixes them in one round.
 */
final class UserBodies {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final BigInteger MAX_EPOCH_MILLIS = BigInteger.valueOf(253_402_300_799_999L);

    /** The body of a legacy update: the key it names, and the changes. */
    record LegacyUpdate(UserKey key, UserChanges changes) {}

    private final Map<String, JsonMember> members;
    private final List<InvalidInput> errors = new ArrayList<>();

    private UserBodies(Map<String, JsonMember> members, Set<String> allowed) {
        this.members = members;
        for (String name : members.keySet()) {
            if (!allowed.contains(name)) {
                errors.add(InvalidInput.body(pointer(name), "unknown member; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        }
    }

    static NewUser newUser(byte[] body) {
        UserBodies reader = new UserBodies(JsonObjectReader.read(body), Set.of("name", "email", "age"));
        Optional<String> name = reader.name(true);
        Optional<String> email = reader.email(true);
        Optional<Integer> age = reader.age(false);
        reader.throwIfInvalid();
        return new NewUser(name.orElseThrow(), email.orElseThrow(), age);
    }

    static UserChanges changes(byte[] body) {
        UserBodies reader = new UserBodies(JsonObjectReader.read(body), Set.of("name", "email", "age"));
        UserChanges changes = reader.changes(true);
        reader.throwIfInvalid();
        if (changes.isEmpty()) {
            throw new ProblemException(Problem.invalid("Nothing to update",
                    List.of(InvalidInput.body("", "give at least one of name, email, age"))));
        }
        return changes;
    }

    static LegacyUpdate legacyUpdate(byte[] body, String pathId) {
        UserBodies reader = new UserBodies(JsonObjectReader.read(body), Set.of("id", "createdAt", "name", "email", "age"));
        Optional<UserKey> key = reader.key(pathId);
        UserChanges changes = reader.changes(false);
        reader.throwIfInvalid();
        if (changes.isEmpty()) {
            throw new ProblemException(Problem.invalid("Nothing to update",
                    List.of(InvalidInput.body("", "give at least one of name, email, age"))));
        }
        return new LegacyUpdate(key.orElseThrow(), changes);
    }

    static UserKey legacyKey(byte[] body, String pathId) {
        UserBodies reader = new UserBodies(JsonObjectReader.read(body), Set.of("id", "createdAt"));
        Optional<UserKey> key = reader.key(pathId);
        reader.throwIfInvalid();
        return key.orElseThrow();
    }

    private UserChanges changes(boolean ageMayBeRemoved) {
        boolean removeAge = ageMayBeRemoved && members.get("age") instanceof JsonMember.Null;
        Optional<Integer> age = removeAge ? Optional.empty() : age(false);
        return new UserChanges(name(false), email(false), age, removeAge);
    }

    private Optional<UserKey> key(String pathId) {
        Optional<String> id = text("id", true);
        id.filter(bodyId -> !bodyId.equals(pathId))
                .ifPresent(bodyId -> errors.add(InvalidInput.body("/id", "must equal the id in the path")));
        Optional<BigInteger> createdAt = integer("createdAt", true);
        createdAt.filter(at -> at.signum() < 0 || at.compareTo(MAX_EPOCH_MILLIS) > 0)
                .ifPresent(at -> errors.add(InvalidInput.body("/createdAt", "must be epoch milliseconds")));
        if (id.isEmpty() || createdAt.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UserKey(pathId, createdAt.get().longValueExact()));
    }

    private Optional<String> name(boolean required) {
        Optional<String> name = text("name", required);
        name.ifPresent(value -> {
            if (value.isBlank()) {
                errors.add(InvalidInput.body("/name", "must not be blank"));
            } else if (value.codePointCount(0, value.length()) > MAX_NAME_LENGTH) {
                errors.add(InvalidInput.body("/name", "must be at most " + MAX_NAME_LENGTH + " characters"));
            } else if (value.chars().anyMatch(Character::isISOControl)) {
                errors.add(InvalidInput.body("/name", "must not contain control characters"));
            }
        });
        return name;
    }

    private Optional<String> email(boolean required) {
        Optional<String> email = text("email", required);
        email.ifPresent(value -> {
            if (value.length() > MAX_EMAIL_LENGTH) {
                errors.add(InvalidInput.body("/email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
            } else if (!isEmailAddress(value)) {
                errors.add(InvalidInput.body("/email", "must be an email address such as ada@example.com"));
            }
        });
        return email;
    }

    /** The one test of an email address, for bodies and for the {@code email} query parameter alike. */
    static boolean isEmailAddress(String value) {
        return value.length() <= MAX_EMAIL_LENGTH && EMAIL.matcher(value).matches();
    }

    private Optional<Integer> age(boolean required) {
        return integer("age", required).flatMap(age -> {
            if (age.compareTo(BigInteger.valueOf(MIN_AGE)) < 0 || age.compareTo(BigInteger.valueOf(MAX_AGE)) > 0) {
                errors.add(InvalidInput.body("/age", "must be between " + MIN_AGE + " and " + MAX_AGE));
                return Optional.empty();
            }
            return Optional.of(age.intValueExact());
        });
    }

    private Optional<String> text(String name, boolean required) {
        JsonMember member = members.get(name);
        if (member == null) {
            if (required) {
                errors.add(InvalidInput.body(pointer(name), "is required"));
            }
            return Optional.empty();
        }
        if (member instanceof JsonMember.Text text) {
            return Optional.of(text.value());
        }
        errors.add(InvalidInput.body(pointer(name), "must be a string, not " + member.kind()));
        return Optional.empty();
    }

    private Optional<BigInteger> integer(String name, boolean required) {
        JsonMember member = members.get(name);
        if (member == null) {
            if (required) {
                errors.add(InvalidInput.body(pointer(name), "is required"));
            }
            return Optional.empty();
        }
        if (member instanceof JsonMember.Integer integer) {
            return Optional.of(integer.value());
        }
        errors.add(InvalidInput.body(pointer(name), "must be an integer, not " + member.kind()));
        return Optional.empty();
    }

    private void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("Invalid request body", errors));
        }
    }

    /** RFC 6901: '~' and '/' in a member name are escaped in its pointer. */
    static String pointer(String member) {
        return "/" + member.replace("~", "~0").replace("/", "~1");
    }
}
