package dev.usersapi.stacks;

import com.pulumi.core.Output;
import java.util.HashMap;
import java.util.Map;

/** A map whose values are outputs, as one output of the resolved map: what map-valued inputs take. */
final class OutputMaps {
    private OutputMaps() {}

    static Output<Map<String, String>> resolve(Map<String, Output<String>> values) {
        return Output.all(values.entrySet().stream()
                        .map(entry -> entry.getValue().applyValue(value -> Map.entry(entry.getKey(), value)))
                        .toList())
                .applyValue(entries -> {
                    Map<String, String> resolved = new HashMap<>();
                    entries.forEach(entry -> resolved.put(entry.getKey(), entry.getValue()));
                    return resolved;
                });
    }
}
