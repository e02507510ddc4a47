package dev.usersapi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark report: Markdown for people, JSON for tools; with the machine, the JDK and the date. */
final class Report {
    /** One measurement: what, the target, the figures, and whether the target is met. */
    record Section(String name, String target, Map<String, Object> figures, boolean met, String notes) {}

    private final String mode;
    private final List<Section> sections = new ArrayList<>();

    Report(String mode) {
        this.mode = mode;
    }

    void add(Section section) {
        sections.add(section);
        System.out.printf("%s: %s%n  %s%n", section.name(), section.met() ? "target met" : "TARGET MISSED", section.figures());
    }

    List<Section> sections() {
        return List.copyOf(sections);
    }

    Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", Instant.now().toString());
        machine.put("mode", mode);
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return machine;
    }

    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine());
        json.put("sections", sections);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("report.json").toFile(), json);

        StringBuilder md = new StringBuilder("# users-api benchmarks\n\n");
        machine().forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        md.append("\n| measurement | target | met | figures |\n|---|---|---|---|\n");
        for (Section section : sections) {
            md.append("| ").append(section.name()).append(" | ").append(section.target()).append(" | ")
                    .append(section.met() ? "yes" : "**no**").append(" | ");
            section.figures().forEach((key, value) -> md.append(key).append(": ").append(value).append("<br>"));
            md.append(" |\n");
        }
        md.append("\n## Notes\n\n");
        for (Section section : sections) {
            if (!section.notes().isEmpty()) {
                md.append("- **").append(section.name()).append("**: ").append(section.notes()).append('\n');
            }
        }
        Files.writeString(directory.resolve("report.md"), md.toString());
    }
}
