package io.videopipeline.routing;

import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends a dead letter (routes/dead-letter.yaml, bean {@code deadLetters}): the body {@link ReceivedMessage} kept
 * (the original SQS body, or its envelope holding only the failed record) with exactly the attributes
 * {@code pipeline-error}, {@code pipeline-route} and the original message's own message attributes. Sent with
 * the SDK rather than Camel's SQS producer, which would turn every header of the exchange (SQS's
 * ApproximateReceiveCount, SenderId, AWSTraceHeader...) into an attribute and re-type the original ones.
 */
public final class DeadLetters {
    public static final String ERROR = "pipeline-error";
    public static final String ROUTE = "pipeline-route";
    /** SQS refuses a message with more message attributes than this. */
    static final int SQS_MAX_ATTRIBUTES = 10;
    /** SQS limits a String attribute value to the message size; a reason never needs more than this. */
    private static final int MAX_REASON_CHARS = 4096;

    private final SqsClient sqs;
    private final ReceivedMessage received;
    private final QueueUrls queueUrls;

    public DeadLetters(SqsClient sqs, ReceivedMessage received) {
        this.sqs = sqs;
        this.received = received;
        this.queueUrls = new QueueUrls(sqs);
    }

    /** Exchange property: the queue a route's dead letters go to. */
    public static final String QUEUE = "deadLetterQueue";
    /** Exchange property: the reason, set by the dead-letter route from {@link FailurePolicy#reason}. */
    public static final String REASON = "pipelineError";

    /**
     * The dead letter of this exchange, for the queue named by its property {@code deadLetterQueue}, naming the
     * route the exchange came from (the failed pipeline route, not the dead-letter helper route). For one record
     * of a split, the letter is kept with the message instead and null returned: it is sent when the message is
     * done ({@link ReceivedMessage#requireEveryRecordDone}), so a message that comes back for another record's
     * transient failure does not park this one twice. A letter kept that way comes back here as the body, and is
     * returned as it is.
     */
    public DeadLetter park(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof DeadLetter kept) {
            return kept;
        }
        String queue = exchange.getProperty(QUEUE, String.class);
        if (queue == null || queue.isBlank()) {
            throw new IllegalStateException("route " + ReceivedMessage.routeOf(exchange) + " sets no deadLetterQueue");
        }
        DeadLetter letter = new DeadLetter(queue, received.deadLetterBody(exchange),
                attributes(ReceivedMessage.originalAttributes(exchange), exchange.getProperty(REASON, String.class),
                        ReceivedMessage.routeOf(exchange)));
        return received.keepUntilDone(exchange, letter) ? null : letter;
    }

    /** Sends a letter. Fails (and so leaves the message on its queue) if SQS does not take it: never lost. */
    public void send(DeadLetter letter) {
        String url = queueUrls.of(letter.queue());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(letter.body()).messageAttributes(letter.attributes()));
    }

    /**
     * The original's own attributes (any earlier {@code pipeline-*} ones replaced) plus the reason and the route.
     * If the original used SQS's whole allowance, the last ones by name make room, and the reason says so: the
     * reason must travel, or SQS's own redrive parks the message with none.
     */
    static Map<String, MessageAttributeValue> attributes(Map<String, MessageAttributeValue> original, String reason,
                                                         String route) {
        Map<String, MessageAttributeValue> own = new TreeMap<>(original);
        own.remove(ERROR);
        own.remove(ROUTE);
        int dropped = 0;
        while (own.size() > SQS_MAX_ATTRIBUTES - 2) {
            own.remove(((TreeMap<String, MessageAttributeValue>) own).lastKey());
            dropped++;
        }
        String why = reason == null || reason.isBlank() ? "unknown failure" : reason;
        if (dropped > 0) {
            why += " (" + dropped + " of the original message's attributes left out: SQS allows "
                    + SQS_MAX_ATTRIBUTES + ")";
        }
        if (why.length() > MAX_REASON_CHARS) {
            // never half of a surrogate pair: SQS refuses a lone surrogate in an attribute
            int cut = Character.isHighSurrogate(why.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
            why = why.substring(0, cut) + "...";
        }
        Map<String, MessageAttributeValue> all = new TreeMap<>(own);
        all.put(ERROR, string(why));
        all.put(ROUTE, string(route == null ? "unknown" : route));
        return all;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
