package io.videopipeline.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ETagsTest {

    @Test
    void theQuotesAroundAnETagGoAndNothingElseChanges() {
        assertThat(ETags.unquote("\"9b2cf535f27731c974343645a3985328\"")).isEqualTo("9b2cf535f27731c974343645a3985328");
        assertThat(ETags.unquote("\"d41d8cd98f00b204e9800998ecf8427e-2\"")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e-2");
        assertThat(ETags.unquote("9b2cf535")).isEqualTo("9b2cf535");
        assertThat(ETags.unquote("\"")).isEqualTo("\"");
        assertThat(ETags.unquote("\"\"")).isEmpty();
        assertThat(ETags.unquote("")).isEmpty();
        assertThat(ETags.unquote(null)).isNull();
    }
}
