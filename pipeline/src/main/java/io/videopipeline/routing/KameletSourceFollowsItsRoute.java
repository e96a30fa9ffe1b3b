package io.videopipeline.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * A route that consumes {@code from: kamelet:sqs-source} gets its messages from a second route, the kamelet's,
 * which Camel starts with the context but does not start, stop or remove with the route using it. This makes it
 * follow: a route started or stopped by hand (or by the route controller) starts or stops its SQS consumer too,
 * and a route removed - as live reload does before loading its edited file - takes its consumer with it, so an
 * old consumer never keeps taking messages for a route that is gone.
 */
public final class KameletSourceFollowsItsRoute implements RoutePolicyFactory {

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
        return new RoutePolicySupport() {
            @Override
            public void onStart(Route started) {
                // while the context starts or stops, Camel starts and stops every route itself
                if (camel.isStarted()) {
                    source(started).ifPresent(id -> control(() -> camel.getRouteController().startRoute(id)));
                }
            }

            @Override
            public void onStop(Route stopped) {
                if (camel.isStarted()) {
                    source(stopped).ifPresent(id -> control(() -> camel.getRouteController().stopRoute(id)));
                }
            }

            @Override
            public void onRemove(Route removed) {
                if (camel.isStarted()) {
                    source(removed).ifPresent(id -> control(() -> {
                        camel.getRouteController().stopRoute(id);
                        camel.removeRoute(id);
                    }));
                }
            }
        };
    }

    /** The id of the kamelet route feeding this route, if it consumes from a kamelet that still has one. */
    private static java.util.Optional<String> source(Route route) {
        return route.getEndpoint() instanceof KameletEndpoint kamelet
                && route.getCamelContext().getRoute(kamelet.getRouteId()) != null
                ? java.util.Optional.of(kamelet.getRouteId()) : java.util.Optional.empty();
    }

    private static void control(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start, stop or remove a kamelet route: " + e.getMessage(), e);
        }
    }

    private interface Action {
        void run() throws Exception;
    }
}
