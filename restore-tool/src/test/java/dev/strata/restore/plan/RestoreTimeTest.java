package dev.strata.restore.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import org.junit.jupiter.api.Test;

class RestoreTimeTest {
    @Test
    void readsIsoTimesWithAZoneToTheMicrosecond() {
        assertThat(RestoreTime.parse("1970-01-01T00:00:01Z")).isEqualTo(1_000_000L);
        assertThat(RestoreTime.parse("1970-01-01T01:00:00.000002+01:00")).isEqualTo(2L);
        assertThat(RestoreTime.format(1_790_000_000_123_456L)).isEqualTo("2026-09-21T14:13:20.123456Z");
        assertThat(RestoreTime.parse(RestoreTime.format(1_790_000_000_123_456L))).isEqualTo(1_790_000_000_123_456L);
    }

    @Test
    void refusesWhatIsNotAnUnambiguousTime() {
        for (String bad : new String[] {"yesterday", "2026-11-21T10:15:30", "2026-11-21", "2026-11-21T10:15:30.1234567Z", ""}) {
            assertThatThrownBy(() -> RestoreTime.parse(bad)).as(bad)
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("malformed time '" + bad + "'")
                    .hasMessageContaining("2026-11-21T10:15:30Z");
        }
    }
}
