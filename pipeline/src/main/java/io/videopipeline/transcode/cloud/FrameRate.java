package io.videopipeline.transcode.cloud;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * A preset frame rate as the exact fraction cloud encoders want ({@code FramerateNumerator/Denominator}).
 * Elastic Transcoder writes NTSC rates as decimals: 29.97 is 30000/1001, not 2997/100.
 */
record FrameRate(int numerator, int denominator) {

    private static final Map<String, FrameRate> NTSC = Map.of(
            "23.976", new FrameRate(24000, 1001), "23.98", new FrameRate(24000, 1001),
            "29.97", new FrameRate(30000, 1001),
            "47.952", new FrameRate(48000, 1001),
            "59.94", new FrameRate(60000, 1001));

    /** @throws IllegalArgumentException if {@code fps} is not a positive rate such as 30, 29.97 or 30000/1001 */
    static FrameRate parse(String fps) {
        String text = fps == null ? "" : fps.trim();
        FrameRate ntsc = NTSC.get(text);
        if (ntsc != null) {
            return ntsc;
        }
        try {
            if (text.contains("/")) {
                String[] parts = text.split("/", 2);
                return positive(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), fps);
            }
            BigDecimal value = new BigDecimal(text);
            BigInteger num = value.unscaledValue();
            BigInteger den = BigInteger.TEN.pow(Math.max(value.scale(), 0));
            if (value.scale() < 0) {
                num = value.toBigIntegerExact();
                den = BigInteger.ONE;
            }
            BigInteger gcd = num.gcd(den);
            return positive(num.divide(gcd).intValueExact(), den.divide(gcd).intValueExact(), fps);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("frame rate '" + fps + "' is not a number such as 30, 29.97 or "
                    + "30000/1001", e);
        }
    }

    private static FrameRate positive(int numerator, int denominator, String fps) {
        if (numerator <= 0 || denominator <= 0) {
            throw new IllegalArgumentException("frame rate '" + fps + "' must be positive");
        }
        return new FrameRate(numerator, denominator);
    }
}
