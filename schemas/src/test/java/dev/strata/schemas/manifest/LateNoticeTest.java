package dev.strata.schemas.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.SegmentKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LateNoticeTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long T = 1_795_256_130_123_456L;
    private static final SegmentKey SEGMENT = new SegmentKey(ACME, T - 18_000_000_000L, T - 17_999_000_000L, 0, 10, 19);
    private static final ManifestEntry STORED = new ManifestEntry(BackupLayout.segment(SEGMENT), 1234, Sha256.of(new byte[] {1}));

    @Test
    void readsBackWhatItWrites() {
        LateNotice notice = new LateNotice(new LateNoticeKey(ACME, T, SEGMENT), STORED);
        assertThat(new String(notice.encode(), StandardCharsets.UTF_8)).startsWith("strata-late-notice 1\nsegment strata/v1/tenants/acme/log/");
        assertThat(LateNotice.decode(notice.objectKey(), notice.encode())).isEqualTo(notice);
    }

    @Test
    void refusesABodyThatNamesAnotherSegmentThanItsKeyOrIsNotANotice() {
        LateNotice notice = new LateNotice(new LateNoticeKey(ACME, T, SEGMENT), STORED);
        SegmentKey other = new SegmentKey(ACME, T - 18_000_000_000L, T - 17_999_000_000L, 0, 20, 29);
        byte[] planted = new LateNotice(new LateNoticeKey(ACME, T, other), new ManifestEntry(BackupLayout.segment(other), 1, STORED.sha256()))
                .encode();
        assertThatThrownBy(() -> LateNotice.decode(notice.objectKey(), planted)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining(notice.objectKey().value()).hasMessageContaining("run restore-tool verify");
        assertThatThrownBy(() -> LateNotice.decode(notice.objectKey(), "hello\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("is not a 'strata-late-notice 1' notice");
    }
}
