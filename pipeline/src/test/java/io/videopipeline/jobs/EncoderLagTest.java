package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EncoderLagTest {

    @Test
    void nothingIsHeldBackUntilAnEncodeEnded() {
        assertThat(new EncoderLag().mediaSeconds()).isZero();
    }

    @Test
    void anEncodeThatEndedSoonerThanItsSpeedSaidTeachesTheMediaTimeItsEndTookNoTimeFor() {
        EncoderLag lag = new EncoderLag();
        // 5 s of media left at 0.7 media s a second would take 7.1 s; it took 6.0 s: 0.77 s of media came for free
        lag.learn(5, 0.7, 6.0);
        assertThat(lag.mediaSeconds()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void anEncodeThatSlowedDownTeachesNothingHeldBackNeverANegative() {
        EncoderLag lag = new EncoderLag();
        lag.learn(5, 1.0, 8);
        assertThat(lag.mediaSeconds()).isZero();
    }

    @Test
    void theMedianOfTheLastEncodesWinsSoOneOddEncodeDoesNotMoveIt() {
        EncoderLag lag = new EncoderLag();
        lag.learn(10, 1, 9); // 1 s
        lag.learn(10, 1, 2); // 8 s: an odd one (the load went away)
        lag.learn(10, 1, 9.2); // 0.8 s
        assertThat(lag.mediaSeconds()).isCloseTo(1.0, within(1e-9));
        for (int i = 0; i < EncoderLag.KEPT; i++) {
            lag.learn(10, 1, 9.5); // 0.5 s each: the older ones drop out
        }
        assertThat(lag.mediaSeconds()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void meaninglessFiguresAreNotLearned() {
        EncoderLag lag = new EncoderLag();
        lag.learn(0, 1, 1);
        lag.learn(5, -1, 1);
        lag.learn(5, 1, 0);
        assertThat(lag.mediaSeconds()).isZero();
    }
}
