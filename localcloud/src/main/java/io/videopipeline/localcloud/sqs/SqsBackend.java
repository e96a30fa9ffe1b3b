package io.videopipeline.localcloud.sqs;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.ConfigFactory;
import io.videopipeline.localcloud.gateway.AwsResponse;
import io.videopipeline.localcloud.gateway.AwsWireService;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import scala.jdk.javaapi.FutureConverters;
import org.elasticmq.util.NowProvider;

import scala.Option;
import scala.collection.immutable.List$;
import scala.concurrent.Await;

/**
 * ElasticMQ, served in this JVM without a port of its own: the gateway hands each SQS request (after checking its
 * SigV4 signature) straight to ElasticMQ's request handler. ElasticMQ's REST server checks no signature and would
 * have to listen on a TCP port that any local process can reach (it did: unsigned CreateQueue/SendMessage to its
 * 127.0.0.1 port bypassed the gateway), and 1.6.16 cannot be given a Unix socket or a hook on its connections.
 * So its route is built here exactly as {@code TheSQSRestServerBuilder.start()} builds it, and is never bound.
 * Queue URLs it hands out point at the gateway. Unless transient,
 * queue definitions and messages live in an H2 database under {@code <dataDir>/sqs}, written by ElasticMQ's own
 * {@link SqlQueuePersistenceActor} (what the stand-alone server does with {@code messages-storage.enabled}):
 * a SendMessage is acknowledged only after the message is stored.
 *
 * <p>ElasticMQ's SQL layer uses one JDBC connection pool per JVM (scalikejdbc's default pool, initialised once);
 * we (re)point that pool at our database on every start, so only one persistent local cloud may run per JVM
 * at a time. Transient ones are unaffected.
 */
public final class SqsBackend implements AwsWireService, AutoCloseable {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    /** The data dir of the persistent ElasticMQ running in this JVM (its SQL pool is a JVM-wide singleton). */
    private static final java.util.concurrent.atomic.AtomicReference<Path> PERSISTENT_IN_USE = new java.util.concurrent.atomic.AtomicReference<>();

    /** Long polls wait up to 20 s, ElasticMQ's own ask timeout is 21 s; nothing legitimate takes longer. */
    private static final long REQUEST_TIMEOUT_MS = 60_000;

    private final ActorSystem actorSystem;
    private final ActorRef persistence;
    private final Materializer materializer;
    private final scala.Function1<org.apache.pekko.http.scaladsl.model.HttpRequest,
            scala.concurrent.Future<org.apache.pekko.http.scaladsl.model.HttpResponse>> handler;
    private final String publicAddress;

    private SqsBackend(ActorSystem actorSystem, ActorRef persistence, Materializer materializer,
            scala.Function1<org.apache.pekko.http.scaladsl.model.HttpRequest,
                    scala.concurrent.Future<org.apache.pekko.http.scaladsl.model.HttpResponse>> handler,
            String publicAddress) {
        this.actorSystem = actorSystem;
        this.persistence = persistence;
        this.materializer = materializer;
        this.handler = handler;
        this.publicAddress = publicAddress;
    }

    /** One SQS answer: status, headers (without Content-Type/Length), content type and body. */
    /**
     * @param storageDir where the H2 database lives, or null for in-memory queues
     * @param publicAddress the gateway's address, used in the queue URLs ElasticMQ returns
     */
    public static SqsBackend start(Path storageDir, URI publicAddress, String region, String accountId) throws Exception {
        if (storageDir != null && !PERSISTENT_IN_USE.compareAndSet(null, storageDir)) {
            throw new IllegalStateException("Another persistent local cloud (SQS data in " + PERSISTENT_IN_USE.get()
                    + ") runs in this JVM; ElasticMQ's SQL persistence supports one at a time. Use transientStorage(true) for tests.");
        }
        // close() terminates it; a JVM shutdown hook of Pekko's own would race that (and, registered lazily when
        // termination starts during the JVM's shutdown, only logs that it could not be added)
        ActorSystem system = ActorSystem.create("localcloud-sqs", ConfigFactory
                .parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                .withFallback(ConfigFactory.load(SqsBackend.class.getClassLoader())));
        try {
            ActorRef persistence = null;
            if (storageDir != null) {
                Files.createDirectories(storageDir);
                // H2 closes its databases in a JVM shutdown hook of its own, which runs alongside the one that stops
                // the pipeline: what ElasticMQ wrote during the stop (the console deleting its queue) failed with
                // "Database is already closed" and was lost. close() closes the pool, and with it the database.
                String uri = "jdbc:h2:file:" + storageDir.resolve("elasticmq").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
                Class.forName("org.h2.Driver");
                // ElasticMQ initialises the pool only once per JVM; point it at this data dir ourselves.
                var pools = scalikejdbc.ConnectionPool$.MODULE$;
                var settings = pools.singleton$default$4();
                pools.singleton(uri, "sa", "", settings, pools.singleton$default$5(uri, "sa", "", settings));
                SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", uri, "sa", "", false);
                persistence = system.actorOf(Props.create(SqlQueuePersistenceActor.class,
                        () -> new SqlQueuePersistenceActor(config, List$.MODULE$.empty())), "sqs-persistence");
            }
            Option<ActorRef> listener = Option.apply(persistence);
            ActorRef queueManager = system.actorOf(Props.create(QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), StrictSQSLimits$.MODULE$, listener)), "sqs-queues");

            NodeAddress address = new NodeAddress(publicAddress.getScheme(), publicAddress.getHost(),
                    publicAddress.getPort(), "");
            TheSQSRestServerBuilder builder = SQSRestServerBuilder.withActorSystem(system)
                    .withQueueManagerActor(queueManager)
                    .withServerAddress(address)
                    .withAWSRegion(region)
                    .withAWSAccountId(accountId);
            if (persistence != null) {
                builder = builder.withQueueEventListener(persistence);
            }
            Materializer materializer = Materializer.createMaterializer(system);
            var route = ElasticMqRoute.build(builder, address, system, materializer, queueManager);
            var handler = org.apache.pekko.http.scaladsl.server.Route$.MODULE$.toFunction(route, system);

            if (persistence != null) {
                Object restored = Patterns.ask(persistence, new QueueEvent.Restore(queueManager), ASK_TIMEOUT)
                        .toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (restored instanceof scala.util.Left<?, ?> left) {
                    throw new IllegalStateException("Could not restore the persisted SQS queues from " + storageDir + ": " + left.value());
                }
            }
            return new SqsBackend(system, persistence, materializer, handler, publicAddress.toString());
        } catch (Exception | Error e) {
            system.terminate();
            if (storageDir != null) {
                PERSISTENT_IN_USE.set(null);
            }
            throw e;
        }
    }

    /** Answers one SQS request (already authenticated by the gateway) in this JVM. */
    @Override
    public CompletableFuture<AwsResponse> handle(String method, String pathAndQuery, List<Map.Entry<String, String>> headers,
            String contentType, byte[] body) {
        HttpRequest request = HttpRequest.create(publicAddress + pathAndQuery)
                .withMethod(HttpMethods.lookup(method).orElseGet(() -> HttpMethods.POST))
                .withEntity(entity(contentType, body));
        List<HttpHeader> raw = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            raw.add(RawHeader.create(h.getKey(), h.getValue()));
        }
        request = request.addHeaders(raw);
        // the stage thenComposeAsync returns is a plain CompletableFuture (Scala's makes no new stage of its own
        // kind), so what callers chain on the answer runs where they ask
        return FutureConverters.asJava(handler.apply((org.apache.pekko.http.scaladsl.model.HttpRequest) request))
                .thenComposeAsync(response -> response.entity().toStrict(REQUEST_TIMEOUT_MS, materializer)
                        .thenApplyAsync(strict -> {
                            Map<String, String> out = new LinkedHashMap<>();
                            for (HttpHeader h : response.getHeaders()) {
                                out.put(h.name(), h.value());
                            }
                            // SQS answers are XML or JSON, always UTF-8
                            return new AwsResponse(response.status().intValue(), strict.getContentType().toString(),
                                    strict.getData().utf8String(), out);
                        }, ON_COMPLETING_THREAD), ON_COMPLETING_THREAD)
                .toCompletableFuture()
                .orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs the few microseconds of each stage above on the Pekko thread that completed the stage before it. Scala's
     * CompletableFuture runs even {@code thenApply} "async" on the common pool, and on a machine with 2 cores that
     * pool has parallelism 1, where CompletableFuture starts a new thread for every task: two per SQS request.
     */
    private static final Executor ON_COMPLETING_THREAD = Runnable::run;

    private static RequestEntity entity(String contentType, byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (contentType == null || contentType.isBlank()) {
            return HttpEntities.create(bytes);
        }
        try {
            return HttpEntities.create(ContentTypes.parse(contentType), bytes);
        } catch (RuntimeException e) {
            return HttpEntities.create(bytes); // ElasticMQ answers an unparsable content type itself
        }
    }

    @Override
    public void close() {
        try {
            if (persistence != null) {
                // Let the persistence actor write what is already in its mailbox (queue creations are sent
                // fire-and-forget) before the actor system goes away.
                Patterns.gracefulStop(persistence, Duration.ofSeconds(5)).toCompletableFuture().get(6, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // stopping anyway
        }
        try {
            // Terminating the actor system ends every open long poll at once.
            Await.ready(actorSystem.terminate(), scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            // already stopping
        } finally {
            if (persistence != null) {
                scalikejdbc.ConnectionPool$.MODULE$.closeAll();
                PERSISTENT_IN_USE.set(null);
            }
        }
    }
}
