package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentSpeedTest {

    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    @Test
    void theStartUpNoMediaCameOutOfIsLeftBehind() {
        RecentSpeed speed = new RecentSpeed();
        // 4 s of start-up with nothing encoded, then 0.5 media seconds a second
        double last = -1;
        for (int t = 1; t <= 20; t++) {
            last = speed.add(s(t), s(Math.max(0, t - 4) * 0.5));
        }
        // ffmpeg's average since the start would say 8 / 20 = 0.4x; the later half says 0.5x
        assertThat(last).isEqualTo(0.5, offset(1e-9));
    }

    @Test
    void aChangeOfLoadShowsWithinHalfTheTimeSoFar() {
        RecentSpeed speed = new RecentSpeed();
        double media = 0;
        double last = -1;
        for (int t = 1; t <= 40; t++) {
            media += t <= 20 ? 1.0 : 0.25; // another job took the machine at 20 s
            last = speed.add(s(t), s(media));
        }
        assertThat(last).isEqualTo(0.25, offset(1e-9)); // the window is 20..40 s
    }

    @Test
    void tooLittleToGoOnGivesNoSpeed() {
        RecentSpeed speed = new RecentSpeed();
        assertThat(speed.add(s(0.2), s(0.1))).isEqualTo(-1);
        assertThat(speed.add(s(0.5), s(0.1))).isEqualTo(-1);
    }
}
