package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.config.ConfigReference;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SinkConfigDefTest {

    @Test
    void theReadmeTableIsTheOneTheConfigDefGenerates() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(ConfigReference.block(readme, SinkConfigDef.README_BLOCK))
                .as("sink/README.md's key table differs from SinkConfigDef: run"
                        + " java -cp sink/target/strata-sink-*.jar dev.strata.sink.SinkConfigDef sink/README.md")
                .isEqualTo(ConfigReference.markdown(SinkConfigDef.SPEC));
    }

    @Test
    void theProductionShapedFilesLoad() throws IOException {
        for (String regime : new String[] {"us", "eu"}) {
            SinkConfig config = SinkConfig.from(load(Path.of("..", "docker", "config", "sink-" + regime + ".properties")));
            assertThat(config.regime()).isEqualTo(regime);
        }
    }

    @Test
    void aMistypedKeyIsRefusedNamingTheKeyMeant() {
        Properties p = SinkConfigTest.valid();
        p.setProperty("strata.flush.intervall.ms", "500");
        assertThatThrownBy(() -> SinkConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sink config: unknown key strata.flush.intervall.ms: did you mean strata.flush.interval.ms?");
    }

    @Test
    void aRegionTakesOnlyTheSinksSettings() {
        Properties typo = SinkConfigTest.valid();
        typo.setProperty("strata.regime.eu.backup.bukcet", "strata-eu-backup");
        assertThatThrownBy(() -> SinkConfig.from(typo))
                .hasMessageContaining("unknown key strata.regime.eu.backup.bukcet: did you mean strata.regime.eu.backup.bucket?");

        Properties drill = SinkConfigTest.valid();
        drill.setProperty("strata.regime.eu.primary.drill.credentials.file", "/etc/strata/eu-drill.properties");
        assertThatThrownBy(() -> SinkConfig.from(drill)).hasMessageContaining("unknown key strata.regime.eu.primary.drill.credentials.file");
    }

    @Test
    void theSpillDirectoryDefaultsToTheTemporaryDirectory() {
        assertThat(SinkConfig.from(SinkConfigTest.valid()).bases().spillDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
