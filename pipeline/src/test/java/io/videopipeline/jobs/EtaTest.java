package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtaTest {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    @Test
    void mediaLeftOverSpeed() {
        // 60 s of media, 25 % done at 2x: 45 s of media left take 22.5 s
        assertThat(Eta.secondsLeft(25, MINUTE, 2.0, Duration.ofSeconds(7))).hasValue(23);
        // slower than real time: 30 s left at 0.5x take a minute
        assertThat(Eta.secondsLeft(50, MINUTE, 0.5, Duration.ofSeconds(60))).hasValue(60);
    }

    @Test
    void withoutSpeedTheWallTimeSoFarIsScaled() {
        // 20 % in 10 s: 80 % more take 40 s
        assertThat(Eta.secondsLeft(20, MINUTE, -1, Duration.ofSeconds(10))).hasValue(40);
        assertThat(Eta.secondsLeft(20, null, 3.0, Duration.ofSeconds(10))).hasValue(40);
    }

    @Test
    void nothingToGoOnGivesNoEstimateAndTheEndGivesZero() {
        assertThat(Eta.secondsLeft(0, MINUTE, 2.0, Duration.ofSeconds(1))).isEmpty();
        assertThat(Eta.secondsLeft(-1, null, -1, Duration.ofSeconds(1))).isEmpty();
        assertThat(Eta.secondsLeft(30, null, -1, Duration.ZERO)).isEmpty();
        assertThat(Eta.secondsLeft(100, MINUTE, 2.0, MINUTE)).hasValue(0);
    }
}
