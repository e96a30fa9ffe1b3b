package io.videopipeline.localcloud.gateway;

/** The account every service of the local cloud names in ARNs and queue URLs unless told another. */
public final class AwsAccount {

    public static final String DEFAULT_ID = "000000000000";

    private AwsAccount() {
    }

    /** @throws IllegalArgumentException unless {@code accountId} is 12 digits, as AWS account ids are */
    public static String requireValid(String accountId) {
        if (accountId == null || !accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("accountId must be 12 digits, was " + accountId);
        }
        return accountId;
    }
}
