package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateWindowTest {

    @Test
    void countsWholeSecondsOfTheWindowOnly() {
        RateWindow window = new RateWindow(2);
        window.record(100, 10_000);
        window.record(50, 10_999);
        window.record(30, 11_500);
        assertThat(window.perSecond(11_600)).isEqualTo(75.0); // second 10 complete, 11 still running
        assertThat(window.perSecond(12_000)).isEqualTo(90.0); // seconds 10 and 11
        assertThat(window.perSecond(13_000)).isEqualTo(15.0); // second 10 has left the window
        assertThat(window.perSecond(60_000)).isZero();
    }
}
