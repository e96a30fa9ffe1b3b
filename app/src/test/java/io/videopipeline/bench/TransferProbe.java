package io.videopipeline.bench;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import software.amazon.awssdk.core.sync.RequestBody;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * What moving bytes costs the runner's JVM, under whatever JIT flags it is started with (issue 20, goal 4: the
 * JVM flags must not make the byte work slower). Run by {@code scripts/transfer-cpu.sh}:
 * <ul>
 *   <li>{@code ciphers}: MB/s of the three digests/ciphers every S3 byte goes through somewhere — SHA-256 (SigV4
 *       payload signing over http, on both sides), MD5 (the local cloud's ETag) and AES-GCM (TLS to AWS).</li>
 *   <li>{@code ENDPOINT BUCKET FILE CLOUD_PID [REPS]}: PUT then GET of FILE through the runner's own S3 client
 *       ({@link AwsClients}), each with its wall time, this JVM's CPU and the local cloud's (from /proc).</li>
 * </ul>
 */
public final class TransferProbe {
    private static final int MIB = 1 << 20;

    private TransferProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("ciphers")) {
            ciphers();
        } else {
            transfers(URI.create(args[0]), args[1], Path.of(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 3);
        }
    }

    private static void ciphers() throws Exception {
        byte[] block = new byte[64 * 1024];
        for (int round = 1; round <= 3; round++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            double shaRate = rate(256, () -> sha.update(block));
            double md5Rate = rate(256, () -> md5.update(block));
            SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
            byte[] out = new byte[block.length + 16];
            int[] n = {round << 16};
            double gcmRate = rate(256, () -> {
                Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                byte[] iv = new byte[12];
                int i = n[0]++;
                iv[0] = (byte) i;
                iv[1] = (byte) (i >> 8);
                iv[2] = (byte) (i >> 16);
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                gcm.doFinal(block, 0, block.length, out, 0);
            });
            System.out.printf("round %d (256 MiB each): SHA-256 %.0f MB/s, MD5 %.0f MB/s, AES-GCM %.0f MB/s%n",
                    round, shaRate, md5Rate, gcmRate);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** MiB/s over {@code mib} MiB of 64 KiB steps. */
    private static double rate(int mib, Step step) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < mib * 16; i++) {
            step.run();
        }
        return mib / ((System.nanoTime() - start) / 1e9);
    }

    private static void transfers(URI endpoint, String bucket, Path file, int cloudPid, int reps) throws Exception {
        try (AwsClients clients = new AwsClients(new AwsSettings("us-east-1", endpoint, true, "test", "test"))) {
            var s3 = clients.s3();
            long mib = Files.size(file) / MIB;
            for (int rep = 1; rep <= reps; rep++) {
                String key = "bench/transfer-probe-" + rep;
                Path back = Files.createTempFile("transfer-probe-", ".bin");
                Files.delete(back);
                double cpu0 = Procs.jvmCpuMs();
                double cloud0 = Procs.cpuMsWithChildren(cloudPid);
                long t0 = System.nanoTime();
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
                long t1 = System.nanoTime();
                double cpu1 = Procs.jvmCpuMs();
                double cloud1 = Procs.cpuMsWithChildren(cloudPid);
                s3.getObject(b -> b.bucket(bucket).key(key), back);
                long t2 = System.nanoTime();
                double cpu2 = Procs.jvmCpuMs();
                double cloud2 = Procs.cpuMsWithChildren(cloudPid);
                Files.delete(back);
                s3.deleteObject(b -> b.bucket(bucket).key(key));
                System.out.printf("rep %d, %d MiB: PUT wall %.2f s, runner CPU %.2f s, cloud CPU %.2f s | "
                                + "GET wall %.2f s, runner CPU %.2f s, cloud CPU %.2f s%n", rep, mib,
                        (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e3, (cloud1 - cloud0) / 1e3,
                        (t2 - t1) / 1e9, (cpu2 - cpu1) / 1e3, (cloud2 - cloud1) / 1e3);
            }
        }
    }
}
