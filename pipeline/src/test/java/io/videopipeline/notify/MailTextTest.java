package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailTextTest {

    @Test
    void everyKindOfLineBreakAndControlBecomesASpace() {
        String hostile = "a\rb\nc\r\nd\u0000e\u0085f\u2028g\u2029h\u000Bi\u000Cj\u001Bk\u007Fl\tm";

        assertThat(MailText.singleLine(hostile)).isEqualTo("a b c d e f g h i j k l m");
    }

    @Test
    void bidiOverridesAndLoneSurrogatesAreNeutralised() {
        assertThat(MailText.singleLine("invoice\u202Egpj.exe")).isEqualTo("invoice gpj.exe");
        assertThat(MailText.singleLine("x\uD800y")).isEqualTo("x\uFFFDy");
        assertThat(MailText.singleLine("Ünïcödé 🎬 视频")).isEqualTo("Ünïcödé 🎬 视频");
    }

    @Test
    void subjectIsCappedOnCodePointsWithAnEllipsis() {
        String emoji = "🎬".repeat(200);

        String subject = MailText.subject(emoji, 50);

        assertThat(subject.codePointCount(0, subject.length())).isEqualTo(50);
        assertThat(subject).endsWith("…").doesNotContain("\uFFFD");
        assertThat(MailText.subject("  short\r\n", 50)).isEqualTo("short");
    }

    @Test
    void htmlIsEscapedAndSingleLine() {
        assertThat(MailText.html("<script>alert('x')</script>\r\n\"&"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;&amp;");
    }
}
