package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.SigV4Verifier;
import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import java.util.List;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jclouds.blobstore.BlobStore;

/**
 * S3's {@code GET/PUT /{bucket}?notification} (bucket notification configuration), which S3Proxy does not
 * implement. The gateway verifies the request's signature itself, as the request never reaches S3Proxy.
 */
final class BucketNotificationApi {

    private final SigV4Verifier verifier;
    private final BlobStore blobStore;
    private final NotificationConfigurationStore store;
    private final S3EventDispatcher events;

    BucketNotificationApi(SigV4Verifier verifier, BlobStore blobStore, NotificationConfigurationStore store, S3EventDispatcher events) {
        this.verifier = verifier;
        this.blobStore = blobStore;
        this.store = store;
        this.events = events;
    }

    /** The bucket of a path-style bucket URL ({@code /bucket} or {@code /bucket/}), or null for object URLs. */
    static String bucketOf(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        String rest = path.substring(1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest.isEmpty() || rest.contains("/") ? null : rest;
    }

    void handle(Request request, Response response, Callback callback, String bucket, byte[] body) {
        if (!BucketSubresource.admit(verifier, blobStore, request, response, callback, bucket, body)) {
            return;
        }
        switch (request.getMethod()) {
            case "GET" -> AwsErrorWriter.write(response, callback, 200, "application/xml", store.get(bucket).toXml());
            case "PUT" -> put(response, callback, bucket, body);
            default -> AwsErrorWriter.s3(response, callback, 405, "MethodNotAllowed",
                    "The specified method is not allowed against this resource.", bucket);
        }
    }


    private void put(Response response, Callback callback, String bucket, byte[] body) {
        NotificationConfiguration configuration;
        try {
            configuration = NotificationConfiguration.parse(body);
        } catch (NotificationConfiguration.InvalidConfigurationException e) {
            AwsErrorWriter.s3(response, callback, 400, e.code, e.getMessage(), null);
            return;
        }
        List<String[]> invalid = events.invalidDestinations(configuration);
        if (!invalid.isEmpty()) {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument</Code>"
                    + "<Message>Unable to validate the following destination configurations</Message>");
            for (int i = 0; i < invalid.size(); i++) {
                xml.append("<ArgumentName").append(i + 1).append('>').append(AwsErrorWriter.Xml.escape(invalid.get(i)[0]))
                        .append("</ArgumentName").append(i + 1).append("><ArgumentValue").append(i + 1).append('>')
                        .append(AwsErrorWriter.Xml.escape(invalid.get(i)[1])).append("</ArgumentValue").append(i + 1).append('>');
            }
            String requestId = AwsErrorWriter.s3RequestId();
            xml.append("<RequestId>").append(requestId).append("</RequestId><HostId>").append(requestId).append("</HostId></Error>");
            AwsErrorWriter.write(response, callback, 400, "application/xml", xml.toString());
            return;
        }
        store.put(bucket, configuration);
        events.testEvent(bucket, configuration);
        AwsErrorWriter.write(response, callback, 200, "application/xml", "");
    }
}
