package io.videopipeline.routing;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The scaffold every SQS-consuming route shares through routes/sqs-source.kamelet.yaml (bean
 * {@code receivedMessage}): it keeps what a dead letter needs before the route changes anything, splits an S3
 * event message into its records, and tells the SQS consumer whether the message may be deleted.
 *
 * <ul>
 *   <li>{@link #keep}/{@link #objectEvents} keep the SQS body as received and the message's own message
 *       attributes in exchange properties, and take those attributes off the headers (the consumer turns each
 *       into a header; they would travel on into mails and topics). A dead letter is built from these, not from
 *       {@code useOriginalMessage}, which inside a split means the split element.</li>
 *   <li>Inside the per-record split, a record that failed transiently is counted ({@link #recordPending}) and
 *       the others still run; {@link #requireEveryRecordDone} then fails the exchange, so the message stays on
 *       its queue and comes back (the records already done are idempotent: existing outputs, the mail ledger,
 *       the same ACL, the same metadata). The message is deleted only when every record is done or parked.</li>
 * </ul>
 */
public final class ReceivedMessage {
    /** The SQS message body exactly as received. */
    public static final String BODY = "pipelineMessageBody";
    /** The message's own SQS message attributes ({@code Map<String, MessageAttributeValue>}). */
    public static final String ATTRIBUTES = "pipelineMessageAttributes";
    /** Set by routes/sqs-source.kamelet.yaml as the first step of the split: the record, whatever the body becomes later. */
    public static final String RECORD = "pipelineRecord";
    /** Records of this message whose work failed transiently ({@link AtomicInteger}, shared with the split). */
    static final String PENDING = "pipelineRecordsPending";
    /**
     * Dead letters of records, sent only once the message is done ({@code List<DeadLetter>}, shared with the
     * split); the kamelet sends them after {@link #requireEveryRecordDone}.
     */
    public static final String DEAD_LETTERS = "pipelineDeadLetters";

    private final S3EventIntake intake;

    public ReceivedMessage(S3EventIntake intake) {
        this.intake = intake;
    }

    /** Keeps the body and message attributes for a route that handles its message whole (report-job-state). */
    public void keep(Exchange exchange) {
        if (exchange.getProperty(BODY) != null) {
            return;
        }
        exchange.setProperty(BODY, exchange.getMessage().getBody(String.class));
        Map<String, MessageAttributeValue> own = ownAttributes(exchange);
        exchange.setProperty(ATTRIBUTES, own);
        own.keySet().forEach(exchange.getMessage()::removeHeader);
        exchange.getMessage().removeHeader(Sqs2Constants.MESSAGE_ATTRIBUTES);
        exchange.setProperty(PENDING, new AtomicInteger());
        exchange.setProperty(DEAD_LETTERS, new CopyOnWriteArrayList<DeadLetter>());
    }

    /** Keeps the message (see {@link #keep}) and returns its object events, each once, for the split. */
    public List<ObjectEvent> objectEvents(Exchange exchange) {
        keep(exchange);
        return intake.parse(exchange.getProperty(BODY, String.class));
    }

    /** Whether the exchange is one record of a message's split (not the message as a whole). */
    public boolean inRecord(Exchange exchange) {
        return isRecord(exchange);
    }

    private static boolean isRecord(Exchange exchange) {
        return exchange.getProperty(Exchange.SPLIT_INDEX) != null && record(exchange) != null;
    }

    /** Counts a record that failed transiently: the message must come back for it. */
    public void recordPending(Exchange exchange) {
        AtomicInteger pending = exchange.getProperty(PENDING, AtomicInteger.class);
        if (pending != null && isRecord(exchange)) {
            pending.incrementAndGet();
        }
    }

    /**
     * After the split: fails the exchange (the message stays on its queue, and the records' dead letters are
     * dropped: they are made again when it comes back) if a record is to be retried. Otherwise the records' dead
     * letters (exchange property {@link #DEAD_LETTERS}) are to be sent, and then the message may be deleted.
     */
    public void requireEveryRecordDone(Exchange exchange) {
        AtomicInteger pending = exchange.getProperty(PENDING, AtomicInteger.class);
        if (pending != null && pending.get() > 0) {
            List<?> letters = exchange.getProperty(DEAD_LETTERS, List.class);
            if (letters != null) {
                letters.clear();
            }
            throw new RecordsPendingException(pending.get());
        }
    }

    /** Whether records of this message left dead letters to send (after {@link #requireEveryRecordDone}). */
    public boolean hasDeadLetters(Exchange exchange) {
        List<?> letters = exchange.getProperty(DEAD_LETTERS, List.class);
        return letters != null && !letters.isEmpty();
    }

    /** Keeps a record's dead letter with its message; false if the exchange is not a record (send it now). */
    boolean keepUntilDone(Exchange exchange, DeadLetter letter) {
        @SuppressWarnings("unchecked")
        List<DeadLetter> letters = exchange.getProperty(DEAD_LETTERS, List.class);
        if (letters == null || !isRecord(exchange)) {
            return false;
        }
        letters.add(letter);
        return true;
    }

    /**
     * The body a dead letter of this exchange carries: the SQS body as received, or, for a record of a message
     * holding several, the same envelope holding only that record.
     */
    public String deadLetterBody(Exchange exchange) {
        String body = exchange.getProperty(BODY, String.class);
        if (body == null) {
            // a route without the scaffold: the best there is
            return exchange.getMessage().getBody(String.class);
        }
        ObjectEvent record = isRecord(exchange) ? record(exchange) : null;
        return record == null ? body : intake.envelopeFor(body, record);
    }

    /**
     * The pipeline route a message is for: the route that consumes it through routes/sqs-source.kamelet.yaml
     * (route id = its file name), not the kamelet's own route that received it; any other route's own id.
     */
    public static String routeOf(Exchange exchange) {
        String id = exchange.getFromRouteId();
        Route from = id == null ? null : exchange.getContext().getRoute(id);
        if (from == null || !from.isCreatedByKamelet()) {
            return id;
        }
        // the route whose consumer is this kamelet instance (its endpoint names the kamelet's route)
        return exchange.getContext().getRoutes().stream()
                .filter(r -> r.getEndpoint() instanceof KameletEndpoint kamelet && id.equals(kamelet.getRouteId()))
                .map(Route::getRouteId).findFirst().orElse(id);
    }

    /** The message attributes the sender put on the message (none of SQS's system attributes). */
    @SuppressWarnings("unchecked")
    public static Map<String, MessageAttributeValue> originalAttributes(Exchange exchange) {
        Object kept = exchange.getProperty(ATTRIBUTES);
        return kept instanceof Map<?, ?> map ? (Map<String, MessageAttributeValue>) map : ownAttributes(exchange);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, MessageAttributeValue> ownAttributes(Exchange exchange) {
        Object attributes = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ATTRIBUTES);
        return attributes instanceof Map<?, ?> map ? Map.copyOf((Map<String, MessageAttributeValue>) map) : Map.of();
    }

    /** The record a split sub-exchange handles: the split element, kept by Camel in its own property. */
    private static ObjectEvent record(Exchange exchange) {
        Object element = exchange.getProperty(RECORD);
        return element instanceof ObjectEvent event ? event : null;
    }
}
