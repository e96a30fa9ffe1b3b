package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class FinishCalibrationTest {

    @Test
    void eachFinishedJobMovesTheFactorAThirdOfTheWayToItsOwnRatio() {
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(2, 2); // the estimate was right: ratio 1
        assertThat(calibration.factor()).isEqualTo(3 * 2.0 / 3 + 1.0 / 3, offset(1e-9));
        for (int i = 0; i < 30; i++) {
            calibration.learn(2, 4); // twice as slow as estimated, again and again
        }
        assertThat(calibration.factor()).isEqualTo(2, offset(1e-3));
    }

    @Test
    void aStalledJobOrNothingMeasuredTeachesNothing() {
        FinishCalibration calibration = new FinishCalibration(3);
        calibration.learn(1, 60); // ratio 60: the job stalled (a paused VM, a long GC), not the machine's cost
        calibration.learn(0, 5);
        calibration.learn(5, 0);
        calibration.learn(Double.NaN, 1);
        assertThat(calibration.factor()).isEqualTo(3);
        assertThatThrownBy(() -> new FinishCalibration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
