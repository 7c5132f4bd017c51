package dev.strata.schemas.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A service's key reference, rendered from its {@link ConfigSpec} so that it cannot drift: a
 * Markdown table for a README, or a properties file that documents every key and loads as is.
 * Each service has a {@code main} that prints (or writes) its reference and a unit test that fails
 * when the committed one differs. Docs mark code with backticks; the properties file drops them.
 */
public final class ConfigReference {
    private static final int WIDTH = 100;

    private ConfigReference() {
    }

    /** {@code | key | default | valid values | meaning |}, one row per key in definition order. */
    public static String markdown(ConfigSpec spec) {
        StringBuilder out = new StringBuilder("| key | default | valid values | meaning |\n|---|---|---|---|\n");
        for (ConfigKey key : spec.definition().configKeys().values()) {
            out.append("| `").append(key.name).append("` | ").append(markdownDefault(key)).append(" | ")
                    .append(cell(validValues(key))).append(" | ").append(cell(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    /**
     * Every key with its doc, type and default: keys with a default are set to it, required keys to
     * their example, keys without a default are commented out (with their example, if any).
     *
     * @param header the file's opening comment, one string per line, without {@code #}
     * @param footer a closing comment, one string per line, without {@code #}; may be empty
     */
    public static String properties(ConfigSpec spec, List<String> header, List<String> footer) {
        StringBuilder out = new StringBuilder();
        header.forEach(line -> out.append(comment(line)).append('\n'));
        String group = null;
        for (ConfigKey key : spec.definition().configKeys().values()) {
            if (!key.group.equals(group)) {
                group = key.group;
                out.append("\n# --- ").append(group).append(" ---\n");
            }
            out.append('\n');
            for (String line : wrap(key.documentation.replace("`", ""), WIDTH - 2)) {
                out.append("# ").append(line).append('\n');
            }
            out.append("# ").append(validValues(key)).append("; ").append(plainDefault(key)).append('\n');
            if (!key.hasDefault()) {
                out.append(key.name).append('=').append(spec.example(key.name).orElseThrow()).append('\n');
            } else if (key.defaultValue == null) {
                out.append('#').append(key.name).append('=').append(spec.example(key.name).orElse("")).append('\n');
            } else {
                out.append(key.name).append('=').append(ConfigDef.convertToString(key.defaultValue, key.type)).append('\n');
            }
        }
        if (!footer.isEmpty()) {
            out.append('\n');
            footer.forEach(line -> out.append(comment(line)).append('\n'));
        }
        return out.toString();
    }

    /** The text between {@code <!-- BEGIN name -->} and {@code <!-- END name -->} (the lines between the markers). */
    public static String block(String text, String name) {
        int[] at = blockBounds(text, name);
        return text.substring(at[0], at[1]);
    }

    /** {@code text} with the block {@code name} replaced by {@code content}. */
    public static String replaceBlock(String text, String name, String content) {
        int[] at = blockBounds(text, name);
        return text.substring(0, at[0]) + content + text.substring(at[1]);
    }

    /** From the start of the line after the BEGIN marker to the start of the END marker. */
    private static int[] blockBounds(String text, String name) {
        int begin = text.indexOf(begin(name));
        int end = text.indexOf(end(name));
        int lineAfterBegin = begin < 0 ? -1 : text.indexOf('\n', begin) + 1;
        if (begin < 0 || lineAfterBegin <= 0 || end < lineAfterBegin) {
            throw new IllegalArgumentException("no block " + begin(name) + " ... " + end(name) + " in the text");
        }
        return new int[] {lineAfterBegin, end};
    }

    /**
     * A reference {@code main}: without arguments prints {@code content}; with the path of the
     * committed file, rewrites that file's block {@code name} (or, when {@code name} is null, the
     * whole file).
     */
    public static void printOrWrite(String[] args, String name, String content) throws IOException {
        if (args.length == 0) {
            System.out.print(content);
            return;
        }
        Path file = Path.of(args[0]);
        String updated = name == null ? content : replaceBlock(Files.readString(file, StandardCharsets.UTF_8), name, content);
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    static String begin(String name) {
        return "<!-- BEGIN " + name + " -->";
    }

    static String end(String name) {
        return "<!-- END " + name + " -->";
    }

    private static String validValues(ConfigKey key) {
        String type = key.type == Type.LIST ? "list" : key.type.name().toLowerCase(Locale.ROOT);
        return key.validator == null ? type : type + ", " + key.validator;
    }

    private static String markdownDefault(ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        if (key.alternativeString != null) {
            return key.alternativeString;
        }
        if (key.defaultValue == null) {
            return "none";
        }
        String value = ConfigDef.convertToString(key.defaultValue, key.type);
        return value.isEmpty() ? "(empty)" : "`" + value + "`" + unit(key.name, key.defaultValue);
    }

    private static String plainDefault(ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        if (key.alternativeString != null) {
            return "default " + key.alternativeString.replace("`", "");
        }
        if (key.defaultValue == null) {
            return "default none";
        }
        String value = ConfigDef.convertToString(key.defaultValue, key.type);
        return value.isEmpty() ? "default empty" : "default " + value + unit(key.name, key.defaultValue);
    }

    /** " (1 h)", " (256 MiB)": what a long number of milliseconds or bytes means, beside it. */
    static String unit(String name, Object value) {
        if (!(value instanceof Number number) || number.longValue() <= 0) {
            return "";
        }
        long n = number.longValue();
        if (name.endsWith(".ms")) {
            return largest(n, new long[] {86_400_000L, 3_600_000L, 60_000L, 1_000L}, new String[] {"d", "h", "min", "s"});
        }
        if (name.endsWith(".bytes")) {
            return largest(n, new long[] {1L << 30, 1L << 20, 1L << 10}, new String[] {"GiB", "MiB", "KiB"});
        }
        return "";
    }

    private static String largest(long n, long[] sizes, String[] names) {
        for (int i = 0; i < sizes.length; i++) {
            if (n >= sizes[i] && n % sizes[i] == 0) {
                return " (" + n / sizes[i] + " " + names[i] + ")";
            }
        }
        return "";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String comment(String line) {
        return line.isEmpty() ? "#" : "# " + line;
    }

    /** {@code text} in lines of at most {@code width} characters (longer words stand alone). */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
