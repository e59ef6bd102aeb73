package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The engine's process-wide switches in one place: the system properties that turn its CPU
 * choices on or off, and what it reads once about this CPU. A switch is read where a decision
 * needs it, once per decision (a backend being opened reads each at most once).
 */
final class EngineSwitches {

    /**
     * System property: {@code false} keeps the CPU step decoder in one session instead of two (the
     * first layers, and the rest with the output head, created in parallel); default {@code true}.
     */
    static final String SPLIT_PROPERTY = "autoj.onnx.splitSessions";

    /**
     * System property: {@code false} keeps fp32 weights unpacked (lean memory, fast start, slower
     * prefill and batched decoding); default {@code true}, ONNX Runtime's prepacking.
     */
    static final String FP32_PREPACKING_PROPERTY = "autoj.onnx.fp32Prepacking";

    /**
     * System property: {@code false} lets a CPU decoder session keep the memory its arena grew to
     * in a large run (a long prefill chunk); default {@code true}, the arena is shrunk after such a
     * run (what is large: {@code StepDecoder.shrinksAfter}). Each part of a split decoder has its own arena: kept,
     * their prefill working sets add up (at 13B shape past 11 GB after a 1,000-token prompt).
     */
    static final String ARENA_SHRINK_PROPERTY = "autoj.onnx.arenaShrink";

    /** System property: the CUDA arena's limit in bytes ({@code gpu_mem_limit}); unset means ONNX Runtime's default (no limit). */
    static final String CUDA_MEMORY_LIMIT_PROPERTY = "autoj.onnx.cudaMemoryLimit";

    /**
     * This CPU's feature flags as {@code /proc/cpuinfo} lists them (its {@code flags} line, or
     * {@code Features} on ARM); empty where there is no {@code /proc} (macOS, Windows).
     */
    // declared before RELEASE_PACKED_CODES, which reads it when the class initializes
    static final String CPU_FLAGS = readCpuFlags();

    /**
     * Whether the 4-bit codes may be unmapped once the session exists. Only where MatMulNBits is
     * known to prepack them (ONNX Runtime's MLAS has 4-bit kernels for x86-64 with AVX2 and for
     * 64-bit ARM): elsewhere it would multiply from the original codes on every run, so they stay
     * mapped. The check reads {@code /proc/cpuinfo}; where that is missing, the codes stay.
     */
    static final boolean RELEASE_PACKED_CODES = packsCodes();

    /** x86-64 with AVX2 (see {@link #scalesPacked}). */
    private static final boolean RELEASE_PACKED_SCALES = RELEASE_PACKED_CODES && !System.getProperty("os.arch", "").equals("aarch64");

    /**
     * Whether the scales and zero points of weights in {@code layout} may be unmapped (or freed)
     * too once the session exists: on x86-64 with AVX2, at {@code accuracy_level} 4 and blocks of 32
     * (the default layout, the one tested; MatMulNBits falls back to fp32 compute, which reads them,
     * where MLAS has no int8 kernel for a block size) only. There
     * MatMulNBits' int8-compute path packs them into its own buffer beside the codes
     * ({@code should_pack_scale_and_zp_inputs}, true on every x86-64 build of ONNX Runtime 1.29's
     * {@code matmul_nbits.cc}), and the tests' logits after unmapping equal those of weights
     * quantized on load (Int4CacheTest, on an AVX2 CPU without VNNI). At level 0 (fp32 compute)
     * the kernel reads the original scales on every run (a test JVM died reading unmapped ones),
     * and on 64-bit ARM the 4-bit path does not pack them: there they stay.
     */
    static boolean scalesPacked(dev.autoj.onnx.internal.graph.LlamaGraph.Int4 layout) {
        return RELEASE_PACKED_SCALES && layout.accuracyLevel() == 4 && layout.blockSize() == 32;
    }

    private EngineSwitches() {
    }

    /** {@link #SPLIT_PROPERTY}: unset or {@code true} splits; {@code false} does not; anything else is refused. */
    static boolean splitSessions() {
        return switchProperty(SPLIT_PROPERTY);
    }

    /**
     * System property: {@code true} quantizes the output head to 4 bits like the layers when a
     * checkpoint is quantized on load; default {@code false}, the head stays fp32. The 4-bit head
     * changed the greedy ids of the tiny reference checkpoint (Int4Test) where the fp32 head keeps
     * them; it saves 0.55 GB of weights and of bytes read per token at 13B (about 6%).
     */
    static final String INT4_HEAD_PROPERTY = "autoj.onnx.int4Head";

    /** {@link #INT4_HEAD_PROPERTY}: {@code true} quantizes the head; unset or {@code false} does not; anything else is refused. */
    static boolean int4Head() {
        String value = System.getProperty(INT4_HEAD_PROPERTY);
        return value != null && switchProperty(INT4_HEAD_PROPERTY);
    }

    /** {@link #ARENA_SHRINK_PROPERTY}: unset or {@code true} shrinks; {@code false} does not; anything else is refused. */
    static boolean arenaShrink() {
        return switchProperty(ARENA_SHRINK_PROPERTY);
    }

    /** {@link #FP32_PREPACKING_PROPERTY}: unset or {@code true} prepacks; {@code false} does not; anything else is refused. */
    static boolean fp32Prepacking() {
        return switchProperty(FP32_PREPACKING_PROPERTY);
    }

    /**
     * An on/off system property of the engine that is on unless set: {@code true} or {@code false}
     * (any case), anything else refused with the property's name, so a typo is never read as off.
     */
    static boolean switchProperty(String name) {
        return dev.autoj.onnx.internal.runtime.OrtRuntime.switchProperty(name);
    }

    private static String readCpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("flags") || lower.startsWith("features")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no flags
        }
        return "";
    }

    private static boolean packsCodes() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64")) {
            return true;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        return Arrays.asList(CPU_FLAGS.split("\\s+")).contains("avx2");
    }

    /** The first line of an ONNX Runtime message, at most 300 characters, for warnings and errors of one line. */
    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.strip().lines().findFirst().orElse("no message");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
