package io.videopipeline.media;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where a stitch's time went, for its log line: the stitch is the serial part of a chunked job, so an operator sizing
 * chunks wants its parts, and which of them ran beside the others.
 */
final class StitchTimes {

    /** Waiting for parts to download (beyond what downloaded while the previous output was joined). */
    final Phase parts = new Phase();
    /** The concat ffmpeg runs, audio muxed in. */
    final Phase joins = new Phase();
    /** The pictures' decode, on a background thread beside the other phases. */
    final Phase pictures = new Phase();
    /** Waiting for the pictures after everything else was done. */
    final Phase picturesWait = new Phase();
    /** The HLS packaging of the joined rungs (stream copy). */
    final Phase packaging = new Phase();
    /** The MP4s' and the package's uploads. */
    final Phase uploads = new Phase();

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "waited %s for parts, joins %s, package %s, uploads %s; pictures %s beside"
                + " them (%s of it waited for)", parts, joins, packaging, uploads, pictures, picturesWait);
    }

    /** The time spent in one phase, summed over its runs (from any thread). */
    static final class Phase {
        private final AtomicLong nanos = new AtomicLong();

        void time(Runnable work) {
            call(() -> {
                work.run();
                return null;
            });
        }

        <T> T call(Supplier<T> work) {
            long started = System.nanoTime();
            try {
                return work.get();
            } finally {
                nanos.addAndGet(System.nanoTime() - started);
            }
        }

        double seconds() {
            return nanos.get() / 1e9;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f s", seconds());
        }
    }
}
