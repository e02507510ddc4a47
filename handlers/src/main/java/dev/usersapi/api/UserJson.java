package dev.usersapi.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.User;
import java.io.IOException;
import java.util.List;

/** The JSON the API answers with. */
final class UserJson {
    private UserJson() {}

    static String user(User user) {
        return JsonLines.value(json -> write(json, user));
    }

    static String users(List<User> users) {
        return JsonLines.value(json -> {
            json.writeStartArray();
            for (User user : users) {
                write(json, user);
            }
            json.writeEndArray();
        });
    }

    static String message(String message) {
        return JsonLines.object(json -> json.writeStringField("message", message));
    }

    static String legacyUpdate(User user) {
        return JsonLines.object(json -> {
            json.writeStringField("message", "User updated");
            json.writeFieldName("updateAttributes");
            write(json, user);
        });
    }

    static String problem(Problem problem, String instance, String requestId) {
        return JsonLines.object(json -> {
            json.writeStringField("type", problem.type());
            json.writeStringField("title", problem.title());
            json.writeNumberField("status", problem.status());
            json.writeStringField("detail", problem.detail());
            json.writeStringField("instance", instance);
            if (!requestId.isEmpty()) {
                json.writeStringField("requestId", requestId);
            }
            if (!problem.errors().isEmpty()) {
                json.writeArrayFieldStart("errors");
                for (Problem.InvalidInput error : problem.errors()) {
                    json.writeStartObject();
                    json.writeStringField(error.location(), error.name());
                    json.writeStringField("detail", error.detail());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
        });
    }

    private static void write(JsonGenerator json, User user) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", user.id());
        json.writeStringField("name", user.name());
        json.writeStringField("email", user.email());
        if (user.age().isPresent()) {
            json.writeNumberField("age", user.age().get());
        }
        json.writeNumberField("createdAt", user.createdAt());
        json.writeNumberField("updatedAt", user.updatedAt());
        json.writeNumberField("version", user.version());
        if (user.deleteAt().isPresent()) {
            json.writeNumberField("deleteAt", user.deleteAt().get());
        }
        json.writeEndObject();
    }
}
