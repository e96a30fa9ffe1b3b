package io.videopipeline.localcloud.sqs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.scaladsl.server.Directive$;
import org.apache.pekko.http.scaladsl.server.RequestContext;
import org.apache.pekko.http.scaladsl.server.RouteResult;
import org.apache.pekko.http.scaladsl.server.util.ApplyConverter$;
import org.apache.pekko.stream.Materializer;
import org.elasticmq.Limits;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.rest.sqs.ElasticMQConfig;
import org.elasticmq.rest.sqs.QueueURLModule;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.rest.sqs.XmlNsVersion;
import org.elasticmq.rest.sqs.XmlNsVersion$;

import scala.Function1;
import scala.concurrent.Future;

/**
 * ElasticMQ's SQS request handler (a pekko-http route), built the way {@code TheSQSRestServerBuilder.start()} of
 * ElasticMQ 1.6.16 builds it before binding it to a TCP port — which is the step we leave out (see
 * {@link SqsBackend}). start() keeps the route in a local variable, so its two parts are reached by name: the
 * module object that holds every directive ({@code TheSQSRestServerBuilder$$anon$1}) and the per-XML-namespace
 * route ({@code $anonfun$start$4}). The /health path of the stand-alone server is left out too. Names are
 * resolved once, at start: another ElasticMQ version fails the local cloud's start with a message, not a request.
 */
final class ElasticMqRoute {
    private ElasticMqRoute() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Function1<RequestContext, Future<RouteResult>> build(TheSQSRestServerBuilder builder, NodeAddress address,
            ActorSystem system, Materializer materializer, ActorRef queueManager) {
        try {
            Class<?> modules = Class.forName("org.elasticmq.rest.sqs.TheSQSRestServerBuilder$$anon$1");
            Object env = modules.getConstructor(TheSQSRestServerBuilder.class, AtomicReference.class, ActorSystem.class,
                            Materializer.class, ActorRef.class, Limits.class)
                    .newInstance(builder, new AtomicReference<>(address), system, materializer, queueManager,
                            StrictSQSLimits$.MODULE$);
            ElasticMQConfig config = new ElasticMQConfig();
            Method perNamespace = TheSQSRestServerBuilder.class.getMethod("$anonfun$start$4", QueueURLModule.class,
                    ElasticMQConfig.class, XmlNsVersion.class);
            Function1<XmlNsVersion, Function1<RequestContext, Future<RouteResult>>> inner =
                    version -> invoke(perNamespace, env, config, version);
            Function1 extractXmlNs = Directive$.MODULE$.addDirectiveApply(XmlNsVersion$.MODULE$.extractXmlNs(),
                    ApplyConverter$.MODULE$.hac1());
            return (Function1<RequestContext, Future<RouteResult>>) extractXmlNs.apply(inner);
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IllegalStateException("The local cloud serves SQS through ElasticMQ 1.6.16's request handler, "
                    + "built as its REST server builds it; the ElasticMQ on the class path differs: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Function1<RequestContext, Future<RouteResult>> invoke(Method method, Object env,
            ElasticMQConfig config, XmlNsVersion version) {
        try {
            return (Function1<RequestContext, Future<RouteResult>>) method.invoke(null, env, config, version);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
