package dev.strata.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final ConfigSpec SPEC = ConfigSpec.builder("test config", "README.md")
            .group("Kafka")
            .required("bootstrap.servers", Type.STRING, null, "The Kafka brokers.", "kafka:9092")
            .group("Tuning")
            .optional("strata.base.max.age.ms", Type.LONG, 86_400_000L, Validators.atLeast(1), "Age of a base; `a|b`.")
            .optional("strata.base.memory.bytes", Type.LONG, 256L << 20, null, "Fold memory.")
            .optional("strata.base.spill.dir", Type.STRING, null, null, "Spill files.", "`java.io.tmpdir`")
            .optional("database.password.file", Type.STRING, null, null, "Password file.")
            .example("database.password.file", "/run/secrets/db")
            .optional("strata.tenant.pattern", Type.STRING, "", null, "Off when empty.")
            .build();

    @Test
    void theMarkdownTableHasARowPerKeyWithDefaultsRangesAndUnits() {
        String table = ConfigReference.markdown(SPEC);
        assertThat(table).startsWith("| key | default | valid values | meaning |\n|---|---|---|---|\n")
                .contains("| `bootstrap.servers` | required | string | The Kafka brokers. |")
                .contains("| `strata.base.max.age.ms` | `86400000` (1 d) | long, at least 1 | Age of a base; `a\\|b`. |")
                .contains("| `strata.base.memory.bytes` | `268435456` (256 MiB) | long | Fold memory. |")
                .contains("| `strata.base.spill.dir` | `java.io.tmpdir` | string | Spill files. |")
                .contains("| `strata.tenant.pattern` | (empty) |");
        assertThat(table.lines()).hasSize(2 + 6);
    }

    @Test
    void thePropertiesFileDocumentsEveryKeyAndLoads() throws IOException {
        String text = ConfigReference.properties(SPEC, List.of("test.properties", "", "header"), List.of("footer"));
        assertThat(text).startsWith("# test.properties\n#\n# header\n\n# --- Kafka ---\n\n# The Kafka brokers.\n# string; required\n"
                + "bootstrap.servers=kafka:9092\n")
                .contains("# Age of a base; a|b.\n# long, at least 1; default 86400000 (1 d)\nstrata.base.max.age.ms=86400000\n")
                .contains("#strata.base.spill.dir=\n")
                .contains("#database.password.file=/run/secrets/db\n")
                .endsWith("\n# footer\n");
        Properties loaded = new Properties();
        loaded.load(new StringReader(text));
        assertThat(SPEC.parse(loaded).longValue("strata.base.memory.bytes")).isEqualTo(256L << 20);
    }

    @Test
    void aBlockBetweenMarkersIsReadAndReplaced() {
        String text = "intro\n<!-- BEGIN keys -->\nold\n<!-- END keys -->\nrest\n";
        assertThat(ConfigReference.block(text, "keys")).isEqualTo("old\n");
        assertThat(ConfigReference.replaceBlock(text, "keys", "new\nrows\n"))
                .isEqualTo("intro\n<!-- BEGIN keys -->\nnew\nrows\n<!-- END keys -->\nrest\n");
        assertThatThrownBy(() -> ConfigReference.block(text, "other")).hasMessageContaining("<!-- BEGIN other -->");
    }

    @Test
    void longDocsWrap() {
        assertThat(ConfigReference.wrap("aaa bbb ccc", 7)).containsExactly("aaa bbb", "ccc");
    }
}
