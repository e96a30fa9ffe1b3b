package io.videopipeline.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and random message bodies: {@link S3EventIntake#parse} must answer every one with either events or a
 * {@link PoisonMessageException} (which the routes dead-letter at once), never another exception, and quickly.
 * Seeded, so a failure names the seed and iteration that reproduce it.
 */
class S3EventIntakeFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 4000);
    /** Generous for a 2-core machine shared by other builds; a parse normally takes microseconds. */
    private static final long MAX_MILLIS_PER_CALL = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CORPUS = new ArrayList<>();
    private final S3EventIntake intake = new S3EventIntake();
    private int valid;
    private int poison;

    @BeforeAll
    static void loadCorpus() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("pipeline/src/test/resources/events"))) {
            for (Path file : files.sorted().toList()) {
                CORPUS.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(CORPUS).hasSizeGreaterThan(10);
    }

    private void check(String body, String what) {
        long started = System.nanoTime();
        try {
            List<ObjectEvent> events = intake.parse(body);
            assertThat(events).as(what).isNotNull().doesNotContainNull();
            for (ObjectEvent e : events) {
                assertThat(e.key()).as(what).isNotNull();
                assertThat(e.bucket()).as(what).isNotEmpty();
            }
            valid++;
        } catch (PoisonMessageException e) {
            assertThat(e.getMessage()).as(what).isNotBlank();
            poison++;
        } catch (Throwable t) {
            fail(what + " threw " + t + " instead of PoisonMessageException; body starts: "
                    + (body == null ? "null" : body.substring(0, Math.min(300, body.length()))), t);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("%s took %d ms", what, millis).isLessThan(MAX_MILLIS_PER_CALL);
    }

    @Test
    void mutatedCorpusBodiesGiveEventsOrPoisonOnly() {
        Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            String base = CORPUS.get(random.nextInt(CORPUS.size()));
            String body = random.nextInt(3) == 0 ? mutateText(base, random) : mutateTree(base, random);
            check(body, "seed " + SEED + " iteration " + i);
        }
        // The mutations must exercise both outcomes, or the fuzzer is not reaching the parser's depths.
        assertThat(valid).isGreaterThan(ITERATIONS / 20);
        assertThat(poison).isGreaterThan(ITERATIONS / 20);
    }

    @Test
    void hugeDeepAndWronglyTypedBodiesArePoison() {
        List<String> bodies = new ArrayList<>();
        bodies.add(null);
        bodies.add("");
        bodies.add("   ");
        bodies.add("x".repeat(S3EventIntake.DEFAULT_MAX_BODY_CHARS + 1));
        bodies.add("{\"Records\":[" + "{},".repeat(200_000) + "{}]}");
        bodies.add("[".repeat(100_000) + "]".repeat(100_000));
        bodies.add("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000));
        bodies.add("{\"Records\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
        bodies.add("{\"Type\":\"Notification\",\"Message\":\"" + "{\\\"Records\\\":[".repeat(2_000) + "\"}");
        bodies.add("{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventVersion\":\"2.1\",\"eventName\":\"ObjectCreated:Put\","
                + "\"eventTime\":\"2026-01-01T00:00:00Z\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\""
                + "k".repeat(900_000) + "\",\"size\":1e400}}}]}");
        bodies.add("{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventVersion\":\"2.1\",\"eventName\":\"ObjectCreated:Put\","
                + "\"eventTime\":\"2026-01-01T00:00:00Z\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\","
                + "\"size\":" + "9".repeat(5000) + "}}}]}");
        bodies.add("{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventVersion\":\"2.1\",\"eventName\":\"ObjectCreated:Put\","
                + "\"eventTime\":\"2026-01-01T00:00:00Z\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"%E0%A4%A\"}}}]}");
        bodies.add("\uFEFF{\"Records\":[]}");
        bodies.add("{\"Records\":[]} trailing");
        bodies.add("{\"Records\":[{\"eventSource\":\"aws:s3\"}]}\u0000");
        bodies.add("{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"time\":\"now\",\"detail\":[]}");
        bodies.add("{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"detail\":{\"bucket\":{\"name\":7},\"object\":{\"key\":[]}}}");
        for (JsonNode scalar : List.of(JsonNodeFactory.instance.numberNode(1), JsonNodeFactory.instance.textNode("x"),
                JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.nullNode(),
                JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode())) {
            bodies.add(scalar.toString());
            bodies.add("{\"Records\":" + scalar + "}");
            bodies.add("{\"Type\":\"Notification\",\"Message\":" + scalar + "}");
        }
        for (int i = 0; i < bodies.size(); i++) {
            check(bodies.get(i), "hostile body #" + i);
        }
        assertThat(poison).isEqualTo(bodies.size());
    }

    // ---- mutators -----------------------------------------------------------------------------------------------

    private static final String SPICE = "{}[]\",:\\0\u0000\uD800\u00e9%+ \n";

    private static String mutateText(String base, Random r) {
        StringBuilder s = new StringBuilder(base);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(5)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, SPICE.charAt(r.nextInt(SPICE.length())));
                case 2 -> s.setLength(at); // truncated
                case 3 -> s.setCharAt(at, (char) r.nextInt(0x3000));
                default -> s.insert(at, s.substring(at, Math.min(s.length(), at + r.nextInt(50)))); // duplicate a slice
            }
        }
        return s.toString();
    }

    /** Parses the body, then replaces, removes or re-types random fields (a structurally valid JSON mutant). */
    private static String mutateTree(String base, Random r) {
        JsonNode root;
        try {
            root = JSON.readTree(base);
        } catch (IOException e) {
            return mutateText(base, r);
        }
        if (root == null || !root.isContainerNode()) {
            return mutateText(base, r);
        }
        // SNS-wrapped bodies: mutate the inner message too, now and then.
        if (root.has("Message") && root.get("Message").isTextual() && r.nextBoolean()) {
            ((ObjectNode) root).put("Message", mutateTree(root.get("Message").asText(), r));
            return root.toString();
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        int edits = r.nextInt(3); // 0 edits: an unmodified corpus body (valid ones must stay valid)
        for (int e = 0; e < edits; e++) {
            JsonNode target = containers.get(r.nextInt(containers.size()));
            if (target instanceof ObjectNode object && object.size() > 0) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                String name = names.get(r.nextInt(names.size()));
                switch (r.nextInt(4)) {
                    case 0 -> object.remove(name);
                    case 1 -> object.set(name, randomValue(r));
                    case 2 -> object.set(name + "x", randomValue(r));
                    default -> object.put(name, object.get(name).asText() + "\u0000\r\n../");
                }
            } else if (target instanceof ArrayNode array) {
                if (array.size() > 0 && r.nextBoolean()) {
                    array.add(array.get(r.nextInt(array.size())).deepCopy()); // an extra record
                } else {
                    array.add(randomValue(r));
                }
            }
        }
        return root.toString();
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), into);
            }
        }
    }

    private static JsonNode randomValue(Random r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (r.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(r.nextLong());
            case 2 -> f.numberNode(-1);
            case 3 -> f.textNode("");
            case 4 -> f.textNode("x".repeat(r.nextInt(2000)));
            case 5 -> f.booleanNode(r.nextBoolean());
            case 6 -> f.arrayNode().add(f.objectNode());
            case 7 -> f.pojoNode(Map.of()).isPojo() ? f.objectNode().put("k", "v") : f.nullNode();
            default -> f.numberNode(1.5e300);
        };
    }
}
