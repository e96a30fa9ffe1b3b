package io.videopipeline.localcloud.gateway;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks the SigV4 {@code Authorization} header of a buffered request by signing the same request again with
 * the AWS SDK's own signer (same signed headers, same time stamp, our secret) and comparing signatures. Used for
 * the services the gateway answers itself (SQS, SNS, S3 bucket notification configuration); S3Proxy checks
 * the rest of S3.
 *
 * <p>Limitation: the SDK signer never signs {@code user-agent}, {@code expect}, {@code connection},
 * {@code transfer-encoding} or {@code x-amzn-trace-id}; a client that does (neither the AWS SDKs nor the CLI)
 * gets {@code SignatureDoesNotMatch}.
 */
public final class SigV4Verifier {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public enum Outcome { VALID, MISSING, INCOMPLETE, UNKNOWN_ACCESS_KEY, MISMATCH }

    /** The parsed {@code Credential=AK/date/region/service/aws4_request, SignedHeaders=..., Signature=...}. */
    record Authorization(String accessKey, String date, String region, String service, List<String> signedHeaders,
                         String signature) {

        /** Parses a SigV4 Authorization header; null when it is not one (or is malformed). */
        static Authorization parse(String header) {
            if (header == null || !header.startsWith(ALGORITHM + " ")) {
                return null;
            }
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = p.substring(eq + 1).trim();
                switch (p.substring(0, eq).trim()) {
                    case "Credential" -> credential = value;
                    case "SignedHeaders" -> signedHeaders = value;
                    case "Signature" -> signature = value;
                    default -> { }
                }
            }
            if (credential == null || signedHeaders == null || signature == null) {
                return null;
            }
            String[] scope = credential.split("/");
            if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
                return null;
            }
            return new Authorization(scope[0], scope[1], scope[2], scope[3], List.of(signedHeaders.split(";")), signature);
        }
    }

    /** Header access of the incoming request, so this class does not depend on the server's types. */
    public interface Headers {
        List<String> values(String name);
    }

    private final String accessKey;
    private final String secretKey;

    public SigV4Verifier(String accessKey, String secretKey) {
        this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
        this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
    }

    /**
     * @param s3 S3 signs the path as sent (no double encoding, no normalisation) and carries the payload hash in
     *           {@code x-amz-content-sha256}
     */
    public Outcome verify(String method, String rawPath, String rawQuery, Headers headers, byte[] body, boolean s3) {
        List<String> authValues = headers.values("Authorization");
        if (authValues.isEmpty()) {
            return Outcome.MISSING;
        }
        Authorization auth = Authorization.parse(authValues.get(0));
        if (auth == null) {
            return Outcome.INCOMPLETE;
        }
        if (!accessKey.equals(auth.accessKey())) {
            return Outcome.UNKNOWN_ACCESS_KEY;
        }
        List<String> amzDate = headers.values("X-Amz-Date");
        List<String> host = headers.values("Host");
        if (amzDate.isEmpty() || host.isEmpty() || !auth.signedHeaders().contains("host")) {
            return Outcome.INCOMPLETE;
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.get(0)));
        } catch (DateTimeParseException e) {
            return Outcome.INCOMPLETE;
        }
        boolean payloadSigned = true;
        if (s3) {
            List<String> contentSha = headers.values("x-amz-content-sha256");
            if (!contentSha.isEmpty() && contentSha.get(0).length() == 64 && !contentSha.get(0).equalsIgnoreCase(sha256Hex(body))) {
                return Outcome.MISMATCH;
            }
            // S3 clients may leave bodies unsigned (the SDK does for GETs, even over http).
            payloadSigned = contentSha.isEmpty() || !"UNSIGNED-PAYLOAD".equals(contentSha.get(0));
        }
        boolean signPayload = payloadSigned;

        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT)))
                .uri(java.net.URI.create("http://" + host.get(0)))
                .encodedPath(rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
        for (String[] param : queryParams(rawQuery)) {
            request.appendRawQueryParameter(param[0], param[1]);
        }
        for (String name : auth.signedHeaders()) {
            if (name.equals("x-amz-date")) {
                continue; // the signer writes it from its clock
            }
            for (String value : headers.values(name)) {
                request.appendHeader(name, value);
            }
        }

        String ourAuthorization;
        if (s3) {
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                    .request(request.build())
                    // Without a payload and with payload signing off, the signer uses UNSIGNED-PAYLOAD (over http too).
                    .payload(signPayload ? ContentStreamProvider.fromByteArrayUnsafe(body == null ? new byte[0] : body) : null)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, auth.service())
                    .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region())
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC))
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload));
            ourAuthorization = signed.request().firstMatchingHeader("Authorization").orElse(null);
        } else {
            // The SDK's current signer always adds (and signs) x-amz-content-sha256 over http, which the AWS CLI and
            // other query-protocol clients don't send; its classic signer signs exactly the headers it is given.
            @SuppressWarnings("deprecation")
            SdkHttpFullRequest signed = software.amazon.awssdk.auth.signer.Aws4Signer.create().sign(
                    request.contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body == null ? new byte[0] : body)).build(),
                    software.amazon.awssdk.auth.signer.params.Aws4SignerParams.builder()
                            .awsCredentials(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(accessKey, secretKey))
                            .signingName(auth.service())
                            .signingRegion(software.amazon.awssdk.regions.Region.of(auth.region()))
                            .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
                            .doubleUrlEncode(true)
                            .build());
            ourAuthorization = signed.firstMatchingHeader("Authorization").orElse(null);
        }
        Authorization expected = Authorization.parse(ourAuthorization);
        if (expected == null) {
            return Outcome.MISMATCH;
        }
        boolean same = MessageDigest.isEqual(expected.signature().getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII));
        return same ? Outcome.VALID : Outcome.MISMATCH;
    }

    /** Splits a raw query string into decoded name/value pairs ({@code +} stays a plus, as SigV4 clients encode). */
    static List<String[]> queryParams(String rawQuery) {
        List<String[]> params = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.add(new String[] {percentDecode(name), percentDecode(value)});
        }
        return params;
    }

    static String percentDecode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String sha256Hex(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body);
            StringBuilder hex = new StringBuilder(64);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
