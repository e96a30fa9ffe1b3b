package io.videopipeline.routing;

import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * Runs code once the Camel context and its routes are up. A main listener's {@code afterStart} is not enough:
 * {@code Main.run()} (the jar) calls it, {@code Main.start()} (tests, embedding) does not.
 */
public final class WhenStarted {
    private WhenStarted() {
    }

    public static void run(CamelContext context, Consumer<CamelContext> action) {
        try {
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                    action.accept(started);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot add a startup listener to " + context.getName(), e);
        }
    }
}
