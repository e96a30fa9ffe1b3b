package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.PipelineTestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every queue-consuming route gets its SQS consumer from the one definition, routes/sqs-source.kamelet.yaml: on the
 * started application, each route's consumer endpoint has the same settings (greedy included: report-job-state once
 * lacked it), and only the transcode routes' own parameters and the routes' retry delays differ.
 */
class SqsConsumerSettingsTest {

    @TempDir
    Path work;

    @Test
    void everyConsumingRouteGetsTheSameConsumerSettingsFromTheKamelet() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of("pipeline.job-events.enabled", "true"))) {
            Map<String, Sqs2Endpoint> consumers = new TreeMap<>();
            for (Route route : app.camel().getRoutes()) {
                if (route.getEndpoint() instanceof KameletEndpoint kamelet) {
                    consumers.put(route.getRouteId(), (Sqs2Endpoint) app.camel().getRoute(kamelet.getRouteId()).getEndpoint());
                }
            }
            assertThat(consumers).containsOnlyKeys("extract-metadata", "notify-email", "report-job-state",
                    "set-permissions", "transcode-chunk", "transcode-video");
            assertThat(consumers).allSatisfy((route, sqs) -> assertThat(app.camel().getRouteController()
                    .getRouteStatus(route)).as(route).isEqualTo(ServiceStatus.Started));
            assertThat(consumers).allSatisfy((route, sqs) -> {
                Sqs2Configuration c = sqs.getConfiguration();
                assertThat(sqs.isGreedy()).as(route + " greedy").isTrue();
                assertThat(c.getWaitTimeSeconds()).as(route + " waitTimeSeconds").isEqualTo(20);
                assertThat(c.getAttributeNames()).as(route).isEqualTo("ApproximateReceiveCount,SentTimestamp");
                assertThat(c.getMessageAttributeNames()).as(route).isEqualTo("All");
                // the kamelet's first step deletes (routing/SqsAcknowledger), on the exchange's completion
                assertThat(c.isDeleteAfterRead()).as(route).isFalse();
            });
            // ... by default off the consumer thread (config/application.properties)
            assertThat(app.camel().getRegistry().lookupByNameAndType("sqsAcknowledger", SqsAcknowledger.class)
                    .settings().mode()).isEqualTo(SqsAcknowledger.Mode.ASYNC);
            assertThat(queues(consumers)).containsExactly(
                    Map.entry("extract-metadata", "transcoded-video-metadata"),
                    Map.entry("notify-email", "transcoded-video-email"),
                    Map.entry("report-job-state", "transcode-job-events"),
                    Map.entry("set-permissions", "transcoded-video-acl"),
                    Map.entry("transcode-chunk", "transcode-chunks"),
                    Map.entry("transcode-video", "video-upload-events"));

            // every consumer receives with the short visibility (pipeline.sqs.receive-visibility-seconds, 5 in the
            // test app) and extends it while it works: a message handed to a stopped runner's poll is back soon
            assertThat(consumers).allSatisfy((route, sqs) -> assertThat(parameters(sqs)).as(route)
                    .containsEntry("visibilityTimeout", "5").containsEntry("extendMessageVisibility", "true"));
            // transcode-video's long jobs: one message per poll; two in flight, so the next job's download and the
            // last one's upload overlap the one encode (pipeline.transcode.parallel-encodes)
            assertThat(parameters(consumers.get("transcode-video"))).containsEntry("maxMessagesPerPoll", "1")
                    .containsEntry("concurrentConsumers", "2");
            // split-and-stitch tasks are long work too
            assertThat(parameters(consumers.get("transcode-chunk"))).containsEntry("maxMessagesPerPoll", "1")
                    .containsEntry("concurrentConsumers", "1");
            // the others: the kamelet's defaults, SQS's own for what it leaves unset
            consumers.forEach((route, sqs) -> {
                if (!route.startsWith("transcode-")) {
                    assertThat(parameters(sqs)).as(route).doesNotContainKeys("maxMessagesPerPoll")
                            .containsEntry("concurrentConsumers", "1");
                }
            });
            // a failed message waits its route's retry delay: the transcode queues' own (10 in the test app), the
            // queues' provisioned visibility timeout (3) for the others
            assertThat(retryDelays(app.camel())).containsExactly(Map.entry("extract-metadata", "3"),
                    Map.entry("notify-email", "3"), Map.entry("report-job-state", "3"),
                    Map.entry("set-permissions", "3"), Map.entry("transcode-chunk", "10"),
                    Map.entry("transcode-video", "10"));
        }
    }

    @Test
    void aRouteStoppedOrReloadedTakesItsConsumerAlong() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of("pipeline.routes.enabled", "set-permissions"))) {
            CamelContext camel = app.camel();
            assertThat(consumersOf(camel, "transcoded-video-acl")).singleElement()
                    .satisfies(r -> assertThat(r.getCamelContext().getRouteController().getRouteStatus(r.getRouteId()))
                            .isEqualTo(ServiceStatus.Started));

            camel.getRouteController().stopRoute("set-permissions");
            assertThat(consumersOf(camel, "transcoded-video-acl")).singleElement()
                    .satisfies(r -> assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()))
                            .isEqualTo(ServiceStatus.Stopped));
            camel.getRouteController().startRoute("set-permissions");
            assertThat(consumersOf(camel, "transcoded-video-acl")).singleElement()
                    .satisfies(r -> assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()))
                            .isEqualTo(ServiceStatus.Started));

            // what live reload does with an edited file: the route goes, the file's route comes back
            camel.getRouteController().stopRoute("set-permissions");
            camel.removeRoute("set-permissions");
            assertThat(consumersOf(camel, "transcoded-video-acl")).isEmpty();
            PluginHelper.getRoutesLoader(camel).updateRoutes(
                    java.util.Set.of(ResourceHelper.resolveResource(camel, "file:routes/set-permissions.yaml")));
            assertThat(consumersOf(camel, "transcoded-video-acl")).singleElement()
                    .satisfies(r -> assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()))
                            .isEqualTo(ServiceStatus.Started));
        }
    }

    @Test
    void theRouteOfAFeatureThatIsOffIsNotThereNorItsQueuesConsumer() throws Exception {
        // report-job-state runs only with pipeline.job-events.enabled (off by default; its queue may not exist): its
        // file is not loaded, so neither the route nor its kamelet's consumer is built (issue 20, start-up)
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of())) {
            CamelContext camel = app.camel();
            assertThat(camel.getRoute("report-job-state")).isNull();
            assertThat(consumersOf(camel, "transcode-job-events")).isEmpty();
            assertThat(consumersOf(camel, "transcoded-video-acl")).as("the other consumers").singleElement()
                    .satisfies(r -> assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()))
                            .isEqualTo(ServiceStatus.Started));
        }
    }

    private static java.util.List<Route> consumersOf(CamelContext camel, String queue) {
        return camel.getRoutes().stream().filter(r -> r.getEndpoint() instanceof Sqs2Endpoint sqs
                && sqs.getConfiguration().getQueueName().equals(queue)).toList();
    }

    @Test
    void noRouteFileButTheKameletDefinesAnSqsConsumer() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".yaml")).filter(p -> read(p).contains("aws2-sqs:"))
                    .map(p -> p.getFileName().toString())).containsExactly("sqs-source.kamelet.yaml");
        }
    }

    private static Map<String, String> queues(Map<String, Sqs2Endpoint> consumers) {
        Map<String, String> queues = new TreeMap<>();
        consumers.forEach((route, sqs) -> queues.put(route, sqs.getConfiguration().getQueueName()));
        return queues;
    }

    /**
     * The retry delay each consuming route's kamelet hands the acknowledger ({@code deleteWhenDone(${exchange}, N)}),
     * by route id: given by the route or the kamelet's default.
     */
    private static Map<String, String> retryDelays(CamelContext camel) {
        Map<String, String> delays = new TreeMap<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof KameletEndpoint kamelet) {
                Object value = ((org.apache.camel.model.ModelCamelContext) camel).getRouteDefinition(kamelet.getRouteId())
                        .getTemplateParameters().get("retryAfterSeconds");
                delays.put(route.getRouteId(), camel.resolvePropertyPlaceholders(String.valueOf(value)));
            }
        }
        return delays;
    }

    private static Map<String, String> parameters(Sqs2Endpoint sqs) {
        try {
            Map<String, String> text = new TreeMap<>();
            URISupport.parseParameters(java.net.URI.create(sqs.getEndpointUri()))
                    .forEach((k, v) -> text.put(k, String.valueOf(v)));
            return text;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
