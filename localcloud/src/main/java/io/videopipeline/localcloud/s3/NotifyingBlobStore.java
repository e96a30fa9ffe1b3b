package io.videopipeline.localcloud.s3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * The blob store S3Proxy writes through: every successful object creation becomes an S3 event (handed to the
 * dispatcher, which returns at once), and a deleted bucket loses its notification configuration, ownership controls and CORS configuration, as in S3.
 * S3Proxy calls the 3-argument {@code putBlob} for PUT Object and the 2-argument one for POST Object (browser
 * form uploads), which is how {@code ObjectCreated:Put} and {@code :Post} are told apart.
 *
 * <p>Listings show what S3 would. The filesystem store also lists the directories it made for a key's slashes as
 * {@code dir/} (S3 lists {@code dir/} only when a client put an object of that name, which the store marks with an
 * ETag) and, while a body is arriving, the partial file it writes beside the key ({@link WritesInFlight}); both are
 * left out, and such a directory is not found by HEAD or GET either. A client deleting what it listed once sent
 * those {@code dir/} keys back in a DeleteObjects, which S3Proxy never answered.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    /** S3Proxy's zero-byte blob holding a multipart upload's metadata between initiate and complete. */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    private final S3EventDispatcher events;
    private final NotificationConfigurationStore configurations;
    private final BucketOwnershipControls ownership;
    private final BucketCorsRules cors;
    private final WritesInFlight writes = new WritesInFlight();

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
        String eTag = writes.write(container, blob.getMetadata().getName(), () -> super.putBlob(container, blob));
        created("Post", container, blob, eTag);
        return eTag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String eTag = writes.write(container, blob.getMetadata().getName(),
                () -> super.putBlob(container, blob, options));
        created("Put", container, blob, eTag);
        return eTag;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String eTag = writes.write(mpu.containerName(), mpu.blobName(), () -> super.completeMultipartUpload(mpu, parts));
        events.objectCreated("CompleteMultipartUpload", mpu.containerName(), mpu.blobName(), null, eTag);
        return eTag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName, CopyOptions options) {
        String eTag = writes.write(toContainer, toName,
                () -> super.copyBlob(fromContainer, fromName, toContainer, toName, options));
        events.objectCreated("Copy", toContainer, toName, null, eTag);
        return eTag;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
        return asS3Lists(container, super.list(container), false);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        return asS3Lists(container, super.list(container, options), options.getDelimiter() == null && options.isRecursive());
    }

    /** A directory the store made for a key's slashes is no object: S3 answers 404 for it. */
    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        BlobMetadata metadata = super.blobMetadata(container, name);
        return metadata != null && isImplicitFolder(metadata) ? null : metadata;
    }

    @Override
    public Blob getBlob(String container, String name) {
        return objectOnly(super.getBlob(container, name));
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        return objectOnly(super.getBlob(container, name, options));
    }

    private static Blob objectOnly(Blob blob) {
        return blob != null && isImplicitFolder(blob.getMetadata()) ? null : blob;
    }

    /** A directory of the filesystem store that no client put as a {@code dir/} object (those have an ETag). */
    private static boolean isImplicitFolder(StorageMetadata entry) {
        return entry.getType() == StorageType.FOLDER && entry.getETag() == null;
    }

    /** @param recursive a listing without a delimiter, where folders are entries (with one, they are common prefixes) */
    private PageSet<? extends StorageMetadata> asS3Lists(String container, PageSet<? extends StorageMetadata> page,
                                                        boolean recursive) {
        Predicate<StorageMetadata> storeOnly = entry -> recursive && isImplicitFolder(entry)
                || writes.isPartialFile(container, entry.getName());
        if (page.stream().noneMatch(storeOnly)) {
            return page;
        }
        return new PageSetImpl<>(page.stream().filter(storeOnly.negate()).toList(), page.getNextMarker());
    }

    /**
     * Deepest names first: the store keeps a {@code dir/} object as the directory its keys live in, and cannot remove
     * it (it retries for seconds, then gives up) before the keys under it are gone.
     */
    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        List<String> deepestFirst = new ArrayList<>();
        names.forEach(deepestFirst::add);
        deepestFirst.sort(Comparator.reverseOrder());
        super.removeBlobs(container, deepestFirst);
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
