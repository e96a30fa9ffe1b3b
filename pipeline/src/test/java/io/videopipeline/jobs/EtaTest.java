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

    @Test
    void theWorkAfterTheEncodeGrowsWithTheBytesTheOutputsWillWeigh() {
        // 10 s of media at 0.5x, half done: 10 s of encode left. 30 MB encoded so far, so 60 MB in all; at 0.05 s a
        // MB that is 3 s, plus 1.5 s of process starts
        Eta.Finish finish = new Eta.Finish(0.05 / 1e6, 1.5);
        assertThat(finish.seconds(50, 30_000_000)).isEqualTo(4.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Eta.secondsLeft(50, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(10), 30_000_000, finish))
                .hasValue(15); // 10 + 3 + 1.5, to the nearest second
        // the same job at 25 %: 15 s of encode left, the same 60 MB expected
        assertThat(Eta.secondsLeft(25, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(5), 15_000_000, finish))
                .hasValue(20);
    }

    @Test
    void atTheEncodesEndWhatIsLeftIsTheWorkAfterIt() {
        Eta.Finish finish = new Eta.Finish(0.05 / 1e6, 1.5);
        assertThat(Eta.secondsLeft(100, MINUTE, 2.0, MINUTE, 60_000_000, finish)).hasValue(5); // 4.5 rounded
    }

    @Test
    void unknownBytesLeaveOnlyTheFixedPartAndAFactorScalesBoth() {
        Eta.Finish finish = new Eta.Finish(0.05 / 1e6, 1.5);
        assertThat(finish.seconds(50, -1)).isEqualTo(1.5);
        assertThat(finish.times(2).seconds(50, 30_000_000)).isEqualTo(9.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Eta.secondsLeft(50, MINUTE, 1.0, MINUTE, -1, null)).hasValue(30);
    }

    @Test
    void mediaTheEncodersHoldBackComesOffTheMediaLeftNeverBelowNothing() {
        // 5 s of media left at 0.5x: 10 s; with 1 s held back: 8 s; held back more than is left: the finish alone
        Eta.Finish finish = new Eta.Finish(0, 1);
        assertThat(Eta.secondsLeft(50, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(10), -1, finish, 0)).hasValue(11);
        assertThat(Eta.secondsLeft(50, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(10), -1, finish, 1)).hasValue(9);
        assertThat(Eta.secondsLeft(90, Duration.ofSeconds(10), 0.5, Duration.ofSeconds(10), -1, finish, 3)).hasValue(1);
    }
}
