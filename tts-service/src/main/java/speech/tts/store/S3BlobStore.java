package speech.tts.store;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Blobs in an S3-compatible bucket (AWS S3, SeaweedFS, MinIO, Ceph …), shared by every replica. A
 * PUT is atomic in S3, so a reader never sees half an object; an object whose row was never committed
 * is an orphan that recovery removes once it is old enough not to be another replica's write in progress.
 */
public final class S3BlobStore implements BlobStore {

    /** Where and how to reach the bucket; empty credentials use the SDK's default chain (AWS_ACCESS_KEY_ID, …). */
    public record Settings(Optional<URI> endpoint, String region, String bucket, String prefix, boolean pathStyle,
                           Optional<String> accessKey, Optional<String> secretKey) {
    }

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3BlobStore(Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: several S3-compatible servers reject the SDK's
                // default aws-chunked trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
        this.bucket = settings.bucket();
        this.prefix = settings.prefix().isEmpty() || settings.prefix().endsWith("/") ? settings.prefix() : settings.prefix() + "/";
        ensureBucket();
    }

    @Override
    public void put(String key, Path source, Runnable beforeVisible) {
        beforeVisible.run();
        s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(source));
    }

    @Override
    public void put(String key, byte[] data) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(data));
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(s3.getObject(b -> b.bucket(bucket).key(prefix + key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
    }

    @Override
    public List<Blob> list(String folder) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + folder + "/")).contents().stream()
                .map(o -> new Blob(o.key().substring(prefix.length()), o.lastModified()))
                .toList();
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Creates the bucket when it is missing (replicas may race: the loser finds it owned already). */
    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another replica created it first
            }
        }
    }

    private static AwsCredentialsProvider credentials(Settings settings) {
        if (settings.accessKey().isPresent() && settings.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
