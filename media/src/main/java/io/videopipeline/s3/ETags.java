package io.videopipeline.s3;

/** S3 ETags as the pipeline compares and stores them. */
public final class ETags {

    private ETags() {
    }

    /**
     * The ETag without the double quotes S3 puts around it in HEAD and GET answers and in event notifications
     * ({@code "9b2cf535f27731c974343645a3985328"}); an unquoted one, or null, comes back as it is.
     */
    public static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
