package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class FinishCalibrationTest {

    private static final long MB = 1_000_000;
    /** A warm job's own estimate: 0.36 s of probes, 2 s a GB. */
    private static final Eta.Finish WARM = new Eta.Finish(2.0 / 1e9, 0.36);
    /** The first job of a JVM: the same machine, but its download and probe were two to five times slower. */
    private static final Eta.Finish COLD = new Eta.Finish(12.0 / 1e9, 0.72);

    @Test
    void theGuessHoldsUntilAJobFinishedThenTheFirstMeasurementReplacesIt() {
        FinishCalibration calibration = new FinishCalibration(3);
        assertThat(calibration.factor(WARM)).isEqualTo(3);
        calibration.learn(WARM, 15 * MB, 1.2);
        // no longer 3, nor a third of the way from it: what the job took, 1.2 s, over what WARM says of it
        double estimated = WARM.seconds(100, 15 * MB);
        assertThat(calibration.factor(WARM)).isEqualTo(1.2 / estimated, offset(1e-9));
        assertThat(WARM.times(calibration.factor(WARM)).seconds(100, 15 * MB)).isEqualTo(1.2, offset(1e-9));
    }

    @Test
    void aColdFirstJobsSlowProbeDoesNotCarryOverToTheNextJob() {
        // the first job: its cold download and probe make its own estimate twice WARM's, its finish took 1.4 s
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(COLD, 15 * MB, 1.4);
        // a warm job of the same size is told 1.4 s, what the work really took, not 1.4 / COLD's estimate * WARM's
        assertThat(WARM.times(calibration.factor(WARM)).seconds(100, 15 * MB)).isEqualTo(1.4, offset(1e-9));
        assertThat(WARM.times(calibration.factor(COLD)).seconds(100, 15 * MB)).isLessThan(0.9);
    }

    @Test
    void aJobWithMoreBytesGetsTheMeasuredTimeScaledByItsOwnShape() {
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(WARM, 15 * MB, 1.2);
        // 90 MB: WARM says 0.36 + 0.18 s against 0.36 + 0.03 s for 15 MB, so 1.2 s * 0.54 / 0.39
        assertThat(WARM.times(calibration.factor(WARM)).seconds(100, 90 * MB))
                .isEqualTo(1.2 * 0.54 / 0.39, offset(1e-9));
    }

    @Test
    void theSecondJobWeighsAHalfAndEveryLaterOneAThird() {
        Eta.Finish shape = new Eta.Finish(0, 1); // 1 s whatever the bytes: ratios are the seconds taken
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(shape, -1, 1);
        calibration.learn(shape, -1, 2);
        assertThat(calibration.factor(shape)).isEqualTo(1.5, offset(1e-9));
        calibration.learn(shape, -1, 3);
        assertThat(calibration.factor(shape)).isEqualTo(1.5 * 2 / 3 + 3.0 / 3, offset(1e-9));
        for (int i = 0; i < 30; i++) {
            calibration.learn(shape, -1, 4); // slower, again and again: only the newest jobs count
        }
        assertThat(calibration.factor(shape)).isEqualTo(4, offset(0.05));
    }

    @Test
    void aStalledJobOrNothingMeasuredTeachesNothing() {
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(new Eta.Finish(0, 1), -1, 60); // ratio 60: a stall (a paused VM, a long GC), not the cost
        calibration.learn(Eta.Finish.NONE, 15 * MB, 5);
        calibration.learn(WARM, 15 * MB, 0);
        calibration.learn(WARM, 15 * MB, Double.NaN);
        calibration.learn(null, 15 * MB, 1);
        assertThat(calibration.factor(WARM)).isEqualTo(3);
        assertThat(calibration.factor(Eta.Finish.NONE)).isEqualTo(3);
        assertThatThrownBy(() -> new FinishCalibration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
