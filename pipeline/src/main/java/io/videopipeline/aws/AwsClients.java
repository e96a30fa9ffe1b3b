package io.videopipeline.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.mediaconvert.MediaConvertClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds every AWS client from one {@link AwsSettings}, so Camel's components (which pick the
 * clients up from the registry) and our own beans talk to the same endpoint with the same
 * credentials and retry policy. Closing it closes the clients.
 *
 * <p>S3, SQS, SNS and the presigner are built once, on first use, and shared (SDK clients are thread-safe): each
 * build resolves the SDK's whole configuration and makes its own connection pool, and a runner used to build two S3,
 * three SQS and two SNS clients before it was ready (issue 20, start-up). A client nobody asks for (SNS without a job
 * event topic or SNS mail) is never built.
 */
public final class AwsClients implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AwsClients.class);
    private final AwsSettings settings;
    private final AwsCredentialsProvider credentials;
    private final List<AutoCloseable> built = new ArrayList<>();
    private final List<EndableLongPolls> longPolls = new ArrayList<>();
    private S3Client s3;
    private S3Presigner presigner;
    private SqsClient sqs;
    private SnsClient sns;
    /** How often {@link #close()} ran: a build ahead asked for before a close does not build after it. */
    private int closes;

    public AwsClients(AwsSettings settings) {
        this.settings = settings;
        this.credentials = settings.hasStaticKeys()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
    }

    public AwsSettings settings() {
        return settings;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /**
     * Starts building the S3 and SQS clients and the presigner on a thread of its own and returns at once: on a
     * multi-core machine a runner's start loads the SDK's classes (~2,500) beside its own start-up work instead of
     * before it (issue 20). A caller of {@link #s3()}, {@link #sqs()} or {@link #s3Presigner()} meanwhile waits for
     * that build and gets its clients: there is still one client per service. A build that fails is left to the
     * first caller, whose own build fails the same way and reports it.
     *
     * <p>With a queue name, the thread then asks SQS for that queue's URL the way Camel's aws2-sqs endpoint does
     * when a route starts ({@code ListQueues} by name prefix), so that the SDK's request path (marshalling, signing,
     * the connection, unmarshalling: another ~700 classes) is loaded on this thread and not on the one starting the
     * routes. Its answer is not used and a failure is only logged: the endpoint's own request reports it.
     */
    public void buildAhead(String queueName) {
        int generation;
        synchronized (this) {
            generation = closes;
        }
        Thread ahead = new Thread(() -> {
            SqsClient client;
            synchronized (this) {
                if (closes != generation) {
                    return; // closed before this thread ran: nobody wants these clients any more
                }
                try {
                    s3();
                    client = sqs();
                    s3Presigner();
                } catch (RuntimeException e) {
                    return; // the caller's own build reports it
                }
            }
            if (queueName != null) {
                try {
                    client.listQueues(r -> r.queueNamePrefix(queueName));
                } catch (RuntimeException e) {
                    LOG.debug("Request ahead of the routes failed (the route's own reports it): {}", e.toString());
                }
            }
        }, "aws-clients-ahead");
        ahead.setDaemon(true);
        ahead.start();
    }

    /** The one S3 client, built on first use. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = track(configure(S3Client.builder())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.forcePathStyle())
                            .build())
                    .build());
        }
        return s3;
    }

    /** The one presigner, built on first use. */
    public synchronized S3Presigner s3Presigner() {
        if (presigner == null) {
            presigner = buildPresigner();
        }
        return presigner;
    }

    private S3Presigner buildPresigner() {
        S3Presigner.Builder b = S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.forcePathStyle()).build());
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return track(b.build());
    }

    /**
     * The one SQS client, built on first use. Its long polls end at once on {@link #endLongPolls()} (shutdown);
     * everything else it does is unaffected.
     */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = buildSqs();
        }
        return sqs;
    }

    private SqsClient buildSqs() {
        SqsClientBuilder b = configure(SqsClient.builder());
        // A client passed in is not closed by the SDK client: tracked here.
        EndableLongPolls http = track(new EndableLongPolls(httpClient().build()));
        synchronized (longPolls) {
            longPolls.add(http);
        }
        return track(b.httpClientBuilder(null).httpClient(http).build());
    }

    /**
     * Ends every SQS long poll of the clients built here, now and from now on, with no messages: for shutdown,
     * so idle consumers do not hold the process for the rest of their 20 s receive (see {@link EndableLongPolls}).
     */
    public void endLongPolls() {
        synchronized (longPolls) {
            longPolls.forEach(EndableLongPolls::end);
        }
    }

    /** The one SNS client, built on first use. */
    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = track(configure(SnsClient.builder()).build());
        }
        return sns;
    }

    public ElasticTranscoderClient elasticTranscoder() {
        return track(configure(ElasticTranscoderClient.builder()).build());
    }

    public MediaConvertClient mediaConvert() {
        return track(configure(MediaConvertClient.builder()).build());
    }

    /** The socket timeout must outlast a synchronous function run, or a slow function looks like a network error. */
    public LambdaClient lambda(Duration functionTimeout) {
        LambdaClientBuilder b = configure(LambdaClient.builder());
        b.httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(functionTimeout.plusSeconds(30)));
        b.overrideConfiguration(o -> o.apiCallAttemptTimeout(functionTimeout.plusSeconds(60)));
        return track(b.build());
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // Standard mode: exponential back-off with jitter on throttling, 5xx and I/O errors.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofMinutes(2))
                        .addExecutionInterceptor(AwsRetryCounter.INSTANCE)
                        .build());
        builder.httpClientBuilder(httpClient());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder;
    }

    private static ApacheHttpClient.Builder httpClient() {
        return ApacheHttpClient.builder().maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(70));
    }

    /** Clients (and SQS's HTTP clients) built and not yet closed: for tests of the one-client-per-service rule. */
    synchronized int openClients() {
        return built.size();
    }

    /** Synchronized: the clients built on demand (Elastic Transcoder, ...) may come while a build ahead runs. */
    private synchronized <T extends AutoCloseable> T track(T client) {
        built.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        closes++;
        s3 = null;
        presigner = null;
        sqs = null;
        sns = null;
        for (AutoCloseable c : built) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing clients at shutdown: nothing useful to do with a failure
            }
        }
        built.clear();
    }
}
