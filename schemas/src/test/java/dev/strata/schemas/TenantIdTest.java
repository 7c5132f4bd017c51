package dev.strata.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantIdTest {

    @Test
    void acceptsLettersDigitsDotUnderscoreDashUpTo64() {
        assertThat(TenantId.of("acme").value()).isEqualTo("acme");
        assertThat(TenantId.of("Acme_Corp-2.eu").value()).isEqualTo("Acme_Corp-2.eu");
        assertThat(TenantId.of("a".repeat(64)).value()).hasSize(64);
        assertThat(TenantId.of("...a")).isNotNull();
    }

    @Test
    void rejectsOtherCharactersWithAMessageSayingWhatIsAllowed() {
        for (String bad : new String[] {"", "a/b", "a b", "ü", "a".repeat(65), "x\ny", "tenant:1"}) {
            assertThatThrownBy(() -> TenantId.of(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is invalid: use 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        assertThatThrownBy(() -> TenantId.of("x\ny")).hasMessageContaining("x\\u000ay");
        assertThatThrownBy(() -> TenantId.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("tenant");
    }

    @Test
    void rejectsPathSteps() {
        assertThatThrownBy(() -> TenantId.of("..")).hasMessageContaining("path step");
        assertThatThrownBy(() -> TenantId.of(".")).hasMessageContaining("path step");
        assertThat(TenantId.isValid("..")).isFalse();
        assertThat(TenantId.isValid("ok")).isTrue();
    }

    @Test
    void acceptsExactlyWhatTheDocumentedPatternAccepts() {
        Pattern documented = Pattern.compile("[A-Za-z0-9._-]{1,64}");
        for (char c = 0; c < 0x300; c++) {
            for (String candidate : new String[] {"a" + c, c + "b", "x" + c + "y"}) {
                assertThat(TenantId.isValid(candidate)).as("U+%04X in %s", (int) c, candidate)
                        .isEqualTo(documented.matcher(candidate).matches());
            }
        }
    }
}
