package dev.fixpoint.core.job;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The canonical bytes of a job, which the server signs and the agent verifies. Every string is its
 * UTF-8 length (4 bytes, big-endian) followed by its bytes, every number has a fixed width, and the
 * package count precedes the packages, so no two different jobs encode alike (as in the audit chain):
 *
 * <pre>
 * string "fixpoint-job/2"   (domain and version: these bytes can never be mistaken for another message)
 * string id
 * string hostId
 * string type               (the JobType constant's name)
 * long   notBefore seconds since the epoch, int notBefore nanoseconds
 * long   expires seconds since the epoch,   int expires nanoseconds
 * string nonce
 * int    number of packages, then for each: string name, string version, string arch
 * int    number of health checks, then for each: string kind (the constant's name), string target
 * </pre>
 *
 * <p>Version 1 had no health checks; nothing was ever signed in it outside tests.
 */
public final class JobEncoding {

    /** The first field of every encoding; a future format changes it. */
    public static final String DOMAIN = "fixpoint-job/2";

    private JobEncoding() {}

    public static byte[] canonical(Job job) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(256 + 64 * job.packages().size());
        writeString(out, DOMAIN);
        writeString(out, job.id());
        writeString(out, job.hostId());
        writeString(out, job.type().name());
        writeInstant(out, job.notBefore());
        writeInstant(out, job.expires());
        writeString(out, job.nonce());
        writeInt(out, job.packages().size());
        for (PackageTarget p : job.packages()) {
            writeString(out, p.name());
            writeString(out, p.version());
            writeString(out, p.arch());
        }
        writeInt(out, job.healthChecks().size());
        for (HealthCheck c : job.healthChecks()) {
            writeString(out, c.kind().name());
            writeString(out, c.target());
        }
        return out.toByteArray();
    }

    private static void writeInstant(ByteArrayOutputStream out, Instant t) {
        long s = t.getEpochSecond();
        writeInt(out, (int) (s >>> 32));
        writeInt(out, (int) s);
        writeInt(out, t.getNano());
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(out, b.length);
        out.write(b, 0, b.length);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
