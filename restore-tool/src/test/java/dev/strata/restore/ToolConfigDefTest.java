package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.config.ConfigReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ToolConfigDefTest {

    @Test
    void theReadmeTableIsTheOneTheConfigDefGenerates() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(ConfigReference.block(readme, ToolConfigDef.README_BLOCK))
                .as("README.md's restore-tool table differs from ToolConfigDef: run"
                        + " java -cp restore-tool/target/strata-restore-tool-*.jar dev.strata.restore.ToolConfigDef README.md")
                .isEqualTo(ConfigReference.markdown(ToolConfigDef.SPEC));
    }

    @Test
    void theProductionShapedFileLoads() {
        ToolConfig config = ToolConfig.load(Path.of("..", "docker", "config", "restore.properties"));
        assertThat(config.storeRegimes()).containsExactly("us", "eu");
        assertThat(config.drillCredentials("eu", ToolConfig.BACKUP)).isEqualTo(Path.of("/run/secrets/eu-drill"));
        assertThat(config.drillPostgresUser()).isEqualTo("strata_drill");
    }

    @Test
    void defaultsApplyAndKeysNeededOnlyByACommandAreAskedForThen() {
        ToolConfig config = ToolConfig.of(new Properties());
        assertThat(config.readers()).isEqualTo(ToolConfig.READERS_DEFAULT);
        assertThat(config.maxSegmentSpan()).isEqualTo(Duration.ofHours(1));
        assertThat(config.drillTenantColumn()).isEqualTo("tenant_id");
        assertThat(config.drillPostgresPasswordFile()).isNull();
        assertThatThrownBy(config::bootstrapServers).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("config: bootstrap.servers is missing: set it, for example bootstrap.servers=kafka:9092.");
        assertThatThrownBy(config::drillPostgresUrl).isInstanceOf(BadInputException.class)
                .hasMessageContaining("strata.drill.postgres.url is missing");
        assertThatThrownBy(config::regimes).hasMessageContaining("strata.regimes=us,eu");
    }

    @Test
    void unknownKeysAndRegionSettingsAreBadInputNamingTheKeyMeant() {
        Properties typo = new Properties();
        typo.setProperty("strata.drill.postgres.usr", "drill");
        assertThatThrownBy(() -> ToolConfig.of(typo)).isInstanceOf(BadInputException.class)
                .hasMessage("config: unknown key strata.drill.postgres.usr: did you mean strata.drill.postgres.user?");

        Properties region = new Properties();
        region.setProperty("strata.regime.eu.primary.dril.credentials.file", "/run/secrets/eu-drill");
        assertThatThrownBy(() -> ToolConfig.of(region)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("did you mean strata.regime.eu.primary.drill.credentials.file?");
    }

    @Test
    void numbersOutOfRangeAreRefusedInsteadOfCapped() {
        Properties readers = new Properties();
        readers.setProperty(ToolConfig.READERS, "100");
        assertThatThrownBy(() -> ToolConfig.of(readers)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("strata.restore.readers=100 is invalid: must be from 1 to 64 (default 3)");
        Properties span = new Properties();
        span.setProperty(ToolConfig.MAX_SEGMENT_SPAN_MS, "60000");
        assertThatThrownBy(() -> ToolConfig.of(span)).hasMessageContaining("must be at least 3600000").hasMessageContaining("raise it");
    }
}
