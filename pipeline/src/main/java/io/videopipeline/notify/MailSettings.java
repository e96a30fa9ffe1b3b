package io.videopipeline.notify;

/**
 * Addresses and limits of notification mails.
 *
 * @param from       sender ({@code pipeline.mail.from})
 * @param to         recipient(s), comma-separated ({@code pipeline.mail.to})
 * @param subjectMax subject cap in characters ({@code pipeline.mail.subject-max}, default 150)
 */
public record MailSettings(String from, String to, int subjectMax) {

    public MailSettings {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new IllegalArgumentException("pipeline.mail.from and pipeline.mail.to are required");
        }
        // Configured, but still headers: a stray newline in a property must not add a header.
        from = MailText.singleLine(from);
        to = MailText.singleLine(to);
        if (subjectMax < 20) {
            throw new IllegalArgumentException("pipeline.mail.subject-max must be at least 20, got " + subjectMax);
        }
    }

    public MailSettings(String from, String to) {
        this(from, to, MailText.DEFAULT_SUBJECT_MAX);
    }
}
