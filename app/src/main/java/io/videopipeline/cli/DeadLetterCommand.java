package io.videopipeline.cli;

import io.videopipeline.app.JobConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.ParkedJobs;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.routing.DeadLetters;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code dlq list} shows each pipeline queue's dead letters with the reason the route recorded;
 * {@code dlq redrive QUEUE} moves QUEUE-dlq's messages back to QUEUE (after a fix) — each message is
 * sent before it is deleted, so a crash half-way duplicates at worst and never loses one.
 */
public final class DeadLetterCommand {
    private static final int PEEK = 10;

    private final SqsClient sqs;
    private final List<String> queues;
    private final PrintStream out;
    private final ParkedJobs jobs;

    DeadLetterCommand(SqsClient sqs, List<String> queues, PrintStream out) {
        this(sqs, queues, out, null);
    }

    /** @param jobs puts a redriven upload's job record back to Submitted; null for none */
    DeadLetterCommand(SqsClient sqs, List<String> queues, PrintStream out, ParkedJobs jobs) {
        this.sqs = sqs;
        this.queues = queues;
        this.out = out;
        this.jobs = jobs;
    }

    public static void run(PipelineConfig config, AwsSettings aws, List<String> args) {
        List<String> queues = new java.util.ArrayList<>(List.of(config.require("pipeline.queues.upload-events"),
                config.require("pipeline.queues.email"), config.require("pipeline.queues.acl"),
                config.require("pipeline.queues.metadata")));
        if (config.getBoolean("pipeline.job-events.enabled", false)) {
            queues.add(config.require("pipeline.queues.job-events")); // report-job-state dead-letters too
        }
        checkArguments(args);
        try (AwsClients clients = new AwsClients(aws)) {
            DeadLetterCommand command = new DeadLetterCommand(clients.sqs(), queues, System.out,
                    JobConfig.parkedJobs(config, JobConfig.tracker(config, clients), new S3EventIntake(
                            S3EventIntake.DEFAULT_MAX_BODY_CHARS, config.getInt("pipeline.intake.max-records",
                            S3EventIntake.DEFAULT_MAX_RECORDS))));
            switch (args.isEmpty() ? "list" : args.get(0)) {
                case "list" -> command.list();
                case "redrive" -> command.redrive(args.get(1));
                default -> throw new IllegalStateException("checked above");
            }
        }
    }

    /** {@code list} (the default) or {@code redrive QUEUE}: a bad command line is reported before any AWS call. */
    public static void checkArguments(List<String> args) {
        String verb = args.isEmpty() ? "list" : args.get(0);
        boolean ok = switch (verb) {
            case "list" -> args.size() <= 1;
            case "redrive" -> args.size() == 2;
            default -> false;
        };
        if (!ok) {
            throw new UserError(UserError.USAGE, "usage: dlq list | dlq redrive QUEUE, got 'dlq "
                    + String.join(" ", args) + "'");
        }
    }

    void list() {
        for (String queue : queues) {
            String dlqUrl = url(queue + "-dlq");
            String count = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            out.println(queue + "-dlq: " + count + " message(s)");
            // Peek without consuming: a zero visibility timeout puts each message straight back.
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(PEEK)
                    .visibilityTimeout(0).waitTimeSeconds(0).messageAttributeNames("All")).messages();
            for (Message m : messages) {
                out.println("  " + m.messageId() + "  " + attribute(m, "pipeline-error") + "  | "
                        + oneLine(m.body(), 160));
            }
        }
    }

    int redrive(String queue) {
        if (!queues.contains(queue)) {
            throw new UserError(UserError.USAGE, "unknown queue '" + queue + "': expected one of " + queues);
        }
        String from = url(queue + "-dlq");
        String to = url(queue);
        // Only what is parked now: with the pipeline running, a message that still fails is dead-lettered again
        // within seconds, and "until the DLQ is empty" would move it back and forth for ever.
        int parked = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(from)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        int moved = 0;
        while (moved < parked) {
            int wanted = Math.min(10, parked - moved);
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(from).maxNumberOfMessages(wanted)
                    .visibilityTimeout(60).waitTimeSeconds(1).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                if (jobs != null) {
                    // its upload's record: Submitted again, before a consumer can start the next attempt
                    jobs.redriven(m.body(), m.messageAttributes());
                }
                // As the original was sent: its body and its own attributes, without what the dead-letter step added
                sqs.sendMessage(b -> b.queueUrl(to).messageBody(m.body()).messageAttributes(originalAttributes(m)));
                sqs.deleteMessage(b -> b.queueUrl(from).receiptHandle(m.receiptHandle()));
                moved++;
            }
        }
        out.println("redrove " + moved + " message(s) from " + queue + "-dlq to " + queue);
        return moved;
    }

    private String url(String queue) {
        try {
            return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        } catch (SqsException e) {
            if (!AwsErrors.isMissing(e)) { // by code: moto's "queue does not exist" is a plain SqsException
                throw e;
            }
            throw new UserError(UserError.CONFIG, "queue '" + queue + "' does not exist: run 'provision' first");
        }
    }

    /** A dead letter's attributes less {@code pipeline-error} and {@code pipeline-route}. */
    static Map<String, MessageAttributeValue> originalAttributes(Message m) {
        Map<String, MessageAttributeValue> own = new java.util.TreeMap<>(m.messageAttributes());
        own.remove(DeadLetters.ERROR);
        own.remove(DeadLetters.ROUTE);
        return own;
    }

    private static String attribute(Message m, String name) {
        Map<String, MessageAttributeValue> attributes = m.messageAttributes();
        MessageAttributeValue v = attributes == null ? null : attributes.get(name);
        return v == null ? "(no reason recorded: moved by SQS redrive)" : v.stringValue();
    }

    private static String oneLine(String s, int max) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }
}
