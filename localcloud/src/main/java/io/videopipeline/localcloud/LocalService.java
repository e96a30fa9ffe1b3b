package io.videopipeline.localcloud;

/**
 * One unit of the local cloud that starts and stops as a whole. {@link LocalCloud} starts its units in order and
 * stops them in the reverse order; when one fails to start, those already started are stopped.
 */
interface LocalService {

    /** What the unit is, for messages ("S3, SQS", "SMTP", ...). */
    String name();

    void start() throws Exception;

    /** Stops what {@link #start()} started; called only after it succeeded. */
    void stop() throws Exception;

    interface Step {
        void run() throws Exception;
    }

    static LocalService of(String name, Step start, Step stop) {
        return new LocalService() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public void stop() throws Exception {
                stop.run();
            }
        };
    }
}
