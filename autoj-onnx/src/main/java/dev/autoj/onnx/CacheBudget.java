package dev.autoj.onnx;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How many sequences of a batch fit the memory their key/value cache needs. At Auto-J-13B's size
 * a sequence's cache takes 1.6 MB a token (fp32, 40 layers), so eight 1,300-token judgments would
 * need 17 GB: more than the JVM's direct memory allows by default (its maximum heap) and, beside
 * 10 GB of weights, more than a 24 GB machine has. A batch that does not fit is decoded as
 * several smaller ones, one after the other (each sequence's tokens are the same either way); a
 * sequence that does not fit alone fails with the cache's own error, naming what it needs.
 */
final class CacheBudget {

    private static final System.Logger LOG = System.getLogger(CacheBudget.class.getName());

    private CacheBudget() {
    }

    /**
     * {@code jobs} in order, cut into groups whose caches fit {@code headroom} bytes: a group of n
     * holds n rows of its longest prompt plus its largest budget, and one prompt's cache beside
     * them while it prefills. A group has at least one job.
     */
    static List<List<BatchScheduler.Job>> groups(List<BatchScheduler.Job> jobs, long bytesPerSlot, long headroom) {
        List<List<BatchScheduler.Job>> groups = new ArrayList<>();
        List<BatchScheduler.Job> current = new ArrayList<>();
        for (BatchScheduler.Job job : jobs) {
            current.add(job);
            if (current.size() > 1 && need(current, bytesPerSlot) > headroom) {
                current.remove(current.size() - 1);
                groups.add(current);
                current = new ArrayList<>(List.of(job));
            }
        }
        groups.add(current);
        if (groups.size() > 1) {
            LOG.log(System.Logger.Level.INFO, () -> "autoj onnx: a batch of " + jobs.size() + " sequences needs "
                    + gb(need(jobs, bytesPerSlot)) + " GB of key/value cache and " + gb(headroom)
                    + " GB is free for it; decoding it as " + groups.size() + " batches of "
                    + groups.stream().map(g -> String.valueOf(g.size())).reduce((a, b) -> a + ", " + b).orElse("")
                    + " (raise -XX:MaxDirectMemorySize, or give the machine more memory, to batch more)");
        }
        return groups;
    }

    /**
     * Bytes the caches of {@code jobs} decoded as one batch take at their peak: the batch's rows,
     * the prompt being prefilled beside them, and the buffers a prefill chunk's new keys and values
     * are written into (a slot's worth per token of the chunk) beside that prompt's cache.
     */
    static long need(List<BatchScheduler.Job> jobs, long bytesPerSlot) {
        int longest = jobs.stream().mapToInt(j -> j.prompt().length).max().orElse(0);
        int room = jobs.stream().mapToInt(BatchScheduler.Job::budget).max().orElse(0);
        long batch = jobs.size() == 1 ? 0 : (long) jobs.size() * (longest + room);
        long single = jobs.size() == 1 ? longest + room : longest;
        long staging = Math.min(longest, BatchScheduler.PREFILL_CHUNK);
        return (batch + single + staging) * bytesPerSlot;
    }

    /**
     * Bytes a new cache may take: the direct memory the JVM still allows ({@code
     * -XX:MaxDirectMemorySize}, by default the maximum heap) and, where the system says it (Linux),
     * the memory available to the machine, whichever is less.
     */
    static long headroom() {
        long limit = maxDirectMemory();
        long used = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return Math.max(0, Math.min(limit - used, availableMemory()));
    }

    private static long maxDirectMemory() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot = ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot JVM, or the option unknown: the default below
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** MemAvailable of /proc/meminfo in bytes, or Long.MAX_VALUE where there is none. */
    private static long availableMemory() {
        Path meminfo = Path.of("/proc/meminfo");
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or not readable: the direct memory limit alone
        }
        return Long.MAX_VALUE;
    }

    private static String gb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e9);
    }
}
