package io.videopipeline.notify;

/**
 * A rendered mail, ready for camel-mail (SMTP), SNS (subject + text) or the log. The subject is
 * already header-safe (one line, no control characters, capped); {@code html} values are escaped.
 *
 * @param to      recipient(s) as configured ({@code pipeline.mail.to})
 * @param from    sender ({@code pipeline.mail.from})
 * @param subject single-line subject
 * @param text    plain-text body
 * @param html    HTML body
 */
public record MailMessage(String to, String from, String subject, String text, String html) {
}
