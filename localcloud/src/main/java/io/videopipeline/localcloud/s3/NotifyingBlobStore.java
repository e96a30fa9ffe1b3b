package io.videopipeline.localcloud.s3;

import java.util.List;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * The blob store S3Proxy writes through: every successful object creation becomes an S3 event (handed to the
 * dispatcher, which returns at once), and a deleted bucket loses its notification configuration, ownership controls and CORS configuration, as in S3.
 * S3Proxy calls the 3-argument {@code putBlob} for PUT Object and the 2-argument one for POST Object (browser
 * form uploads), which is how {@code ObjectCreated:Put} and {@code :Post} are told apart.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    /** S3Proxy's zero-byte blob holding a multipart upload's metadata between initiate and complete. */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    private final S3EventDispatcher events;
    private final NotificationConfigurationStore configurations;
    private final BucketOwnershipControls ownership;
    private final BucketCorsRules cors;

    NotifyingBlobStore(BlobStore delegate, S3EventDispatcher events, NotificationConfigurationStore configurations,
                       BucketOwnershipControls ownership, BucketCorsRules cors) {
        super(delegate);
        this.events = events;
        this.configurations = configurations;
        this.ownership = ownership;
        this.cors = cors;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String eTag = super.putBlob(container, blob);
        created("Post", container, blob, eTag);
        return eTag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String eTag = super.putBlob(container, blob, options);
        created("Put", container, blob, eTag);
        return eTag;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String eTag = super.completeMultipartUpload(mpu, parts);
        events.objectCreated("CompleteMultipartUpload", mpu.containerName(), mpu.blobName(), null, eTag);
        return eTag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName, CopyOptions options) {
        String eTag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        events.objectCreated("Copy", toContainer, toName, null, eTag);
        return eTag;
    }

    @Override
    public void deleteContainer(String container) {
        super.deleteContainer(container);
        configurations.remove(container);
        ownership.remove(container);
        cors.remove(container);
    }

    @Override
    public boolean deleteContainerIfEmpty(String container) {
        boolean deleted = super.deleteContainerIfEmpty(container);
        if (deleted) {
            configurations.remove(container);
            ownership.remove(container);
            cors.remove(container);
        }
        return deleted;
    }

    private void created(String type, String container, Blob blob, String eTag) {
        String name = blob.getMetadata().getName();
        if (name == null || name.startsWith(MULTIPART_STUB_PREFIX)) {
            return;
        }
        Long size = blob.getMetadata().getContentMetadata().getContentLength();
        events.objectCreated(type, container, name, size, eTag);
    }
}
