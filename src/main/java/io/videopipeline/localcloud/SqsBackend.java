package io.videopipeline.localcloud;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;

import scala.Option;
import scala.collection.immutable.List$;
import scala.concurrent.Await;

/**
 * ElasticMQ on an internal port of 127.0.0.1. Queue URLs it hands out point at the gateway. Unless transient,
 * queue definitions and messages live in an H2 database under {@code <dataDir>/sqs}, written by ElasticMQ's own
 * {@link SqlQueuePersistenceActor} (what the stand-alone server does with {@code messages-storage.enabled}):
 * a SendMessage is acknowledged only after the message is stored.
 *
 * <p>ElasticMQ's SQL layer uses one JDBC connection pool per JVM (scalikejdbc's default pool, initialised once);
 * we (re)point that pool at our database on every start, so only one persistent local cloud may run per JVM
 * at a time. Transient ones are unaffected.
 */
final class SqsBackend implements AutoCloseable {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    /** The data dir of the persistent ElasticMQ running in this JVM (its SQL pool is a JVM-wide singleton). */
    private static final java.util.concurrent.atomic.AtomicReference<Path> PERSISTENT_IN_USE = new java.util.concurrent.atomic.AtomicReference<>();

    private final ActorSystem actorSystem;
    private final ActorRef persistence;
    private final SQSRestServer server;
    private final int port;

    private SqsBackend(ActorSystem actorSystem, ActorRef persistence, SQSRestServer server, int port) {
        this.actorSystem = actorSystem;
        this.persistence = persistence;
        this.server = server;
        this.port = port;
    }

    /**
     * @param storageDir where the H2 database lives, or null for in-memory queues
     * @param publicAddress the gateway's address, used in the queue URLs ElasticMQ returns
     */
    static SqsBackend start(Path storageDir, URI publicAddress, String region, String accountId) throws Exception {
        if (storageDir != null && !PERSISTENT_IN_USE.compareAndSet(null, storageDir)) {
            throw new IllegalStateException("Another persistent local cloud (SQS data in " + PERSISTENT_IN_USE.get()
                    + ") runs in this JVM; ElasticMQ's SQL persistence supports one at a time. Use transientStorage(true) for tests.");
        }
        ActorSystem system = ActorSystem.create("localcloud-sqs");
        try {
            ActorRef persistence = null;
            if (storageDir != null) {
                Files.createDirectories(storageDir);
                String uri = "jdbc:h2:file:" + storageDir.resolve("elasticmq").toAbsolutePath() + "";
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

            var builder = SQSRestServerBuilder.withActorSystem(system)
                    .withQueueManagerActor(queueManager)
                    .withInterface("127.0.0.1")
                    .withDynamicPort()
                    .withServerAddress(new NodeAddress(publicAddress.getScheme(), publicAddress.getHost(), publicAddress.getPort(), ""))
                    .withAWSRegion(region)
                    .withAWSAccountId(accountId);
            if (persistence != null) {
                builder = builder.withQueueEventListener(persistence);
            }
            SQSRestServer server = builder.start();
            int port = server.waitUntilStarted().localAddress().getPort();

            if (persistence != null) {
                Object restored = Patterns.ask(persistence, new QueueEvent.Restore(queueManager), ASK_TIMEOUT)
                        .toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (restored instanceof scala.util.Left<?, ?> left) {
                    throw new IllegalStateException("Could not restore the persisted SQS queues from " + storageDir + ": " + left.value());
                }
            }
            return new SqsBackend(system, persistence, server, port);
        } catch (Exception | Error e) {
            system.terminate();
            if (storageDir != null) {
                PERSISTENT_IN_USE.set(null);
            }
            throw e;
        }
    }

    int port() {
        return port;
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
            // Not server.stopAndWait(): it waits for open long polls (up to 20 s). Terminating the actor system
            // closes the port and every connection at once.
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
