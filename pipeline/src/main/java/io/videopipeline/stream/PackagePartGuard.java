package io.videopipeline.stream;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.logging.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out routes' first step (bean {@code packagePartGuard}): an event for anything but an MP4 rendition or a
 * master playlist is acknowledged without work. A variant playlist of Elastic Transcoder or MediaConvert reaches
 * the topic (its name ends in {@code .m3u8} like the master's); a segment, picture or {@code .json} only through a
 * hand-made message or a wider bucket notification. None of them is an error: one INFO line, and the route counts
 * it ({@code pipeline_fanout_ignored_total}).
 */
public final class PackagePartGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PackagePartGuard.class);

    /** True when the route should ignore this event; says so once, with the key made log-safe. */
    public boolean ignores(ObjectEvent event, String route) {
        if (StreamKeys.kindOf(event.key()) != OutputKind.PACKAGE_PART) {
            return false;
        }
        LOG.info("{}: ignoring s3://{}/{}: neither an MP4 rendition nor a master playlist ({p}{n}/{n}.m3u8); the"
                + " master's event covers the package", route, LogText.safe(event.bucket()), LogText.safe(event.key()));
        return true;
    }
}
