package io.videopipeline.emulator;

import java.net.URI;

/** A started local cloud, as the app points its clients at it. Closing it stops every service. */
public interface EmulatedCloud extends AutoCloseable {

    /** S3, SQS, SNS and Elastic Transcoder on one endpoint. */
    URI endpoint();

    String accessKey();

    String secretKey();

    /** The SMTP port, or 0 when no mail server runs. */
    int smtpPort();

    @Override
    void close();
}
