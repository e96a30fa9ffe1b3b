package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The attributes a dead letter carries: always sendable, always with the reason. */
class DeadLettersTest {

    private static MessageAttributeValue string(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    @Test
    void aLongReasonIsCutBetweenCharactersNotInsideOne() {
        // 4095 ASCII characters, then an emoji (a surrogate pair) straddling the 4096-char cut
        String reason = "x".repeat(4095) + "\ud83c\udf89 tail";

        String sent = DeadLetters.attributes(Map.of(), reason, "transcode-video").get(DeadLetters.ERROR).stringValue();

        assertThat(sent).isEqualTo("x".repeat(4095) + "...");
        assertThat(sent.codePoints()).noneMatch(cp -> cp >= 0xd800 && cp <= 0xdfff);
    }

    @Test
    void theOriginalsAttributesMakeRoomForTheReasonAndTheRoute() {
        Map<String, MessageAttributeValue> own = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            own.put("a" + i, string("v" + i));
        }
        own.put(DeadLetters.ERROR, string("an earlier reason"));

        Map<String, MessageAttributeValue> sent = DeadLetters.attributes(own, "now", "notify-email");

        assertThat(sent).hasSize(DeadLetters.SQS_MAX_ATTRIBUTES)
                .containsKeys("a0", "a7", DeadLetters.ERROR, DeadLetters.ROUTE).doesNotContainKeys("a8", "a9");
        assertThat(sent.get(DeadLetters.ERROR).stringValue())
                .isEqualTo("now (2 of the original message's attributes left out: SQS allows 10)");
        assertThat(sent.get(DeadLetters.ROUTE).stringValue()).isEqualTo("notify-email");
    }
}
