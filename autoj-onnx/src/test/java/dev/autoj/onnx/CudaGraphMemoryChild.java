package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CUDA generation graph's host memory, measured without a GPU: opens the graph built for CUDA
 * (fp16 or int4 with fp16 activations) from the checkpoint in {@code args[0]} on the CPU execution
 * provider, writing the graph into {@code args[1]}, as dtype {@code args[2]}, with the weight cache
 * in {@code args[3]} when given (4-bit weights are then quantized into it one tensor at a time and
 * mapped, as {@code OnnxBackend} opens them; without it they are made in memory all at once), decodes
 * two tokens, and prints one line {@code baseline=<VmRSS after ONNX Runtime started> open=<VmRSS
 * with the session open> peak=<VmHWM> peakAnon=<largest RssAnon sampled every 20 ms while opening>
 * held=<host weight buffers still held> weights=<session weight bytes> tokens=<ids>}, or
 * {@code failed=<message>} when opening failed with a {@link BackendException}. On the CPU provider
 * the session's own copy of the weights is host memory too, so "open" minus "baseline" is one copy
 * of the weights when the loader kept none of its own; mapped cache pages count in VmHWM but not in
 * RssAnon (they are the file's, and the kernel can drop them). {@link CudaGraphOnCpuTest} runs it
 * on small models; by hand, on a bench model:
 *
 * <pre>
 * java -cp "$(cat cp.txt)" dev.autoj.onnx.CudaGraphMemoryChild /big/b13/model /big/cudagraph int4 /big/cudagraph/cache
 * </pre>
 */
public final class CudaGraphMemoryChild {

    private CudaGraphMemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        Dtype dtype = Dtype.parse(args[2]);
        Path weightCache = args.length > 3 ? Path.of(args[3]) : null;
        OrtRuntime.environment();
        long baseline = LoaderMemoryChild.status("VmRSS:");
        ModelConfig config = ModelConfig.read(model);
        Checkpoint checkpoint = Checkpoint.open(model);
        Path file = work.resolve("cuda-" + dtype.name().toLowerCase(java.util.Locale.ROOT) + ".onnx");
        Files.write(file, ModelCache.build(config, dtype, CudaGraphOnCpuTest.CUDA_INT4, ModelCache.Kind.LOOP_FP16));
        AtomicLong peakAnon = new AtomicLong();
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    peakAnon.accumulateAndGet(LoaderMemoryChild.status("RssAnon:"), Math::max);
                    Thread.sleep(20);
                }
            } catch (InterruptedException | java.io.IOException e) {
                // done
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        DecoderSession opened;
        try {
            opened = SessionLoader.open(config, checkpoint, dtype, CudaGraphOnCpuTest.CUDA_INT4,
                    QuantizedWeights.quantizing(checkpoint, CudaGraphOnCpuTest.CUDA_INT4.blockSize(), true), Device.CPU,
                    device -> new DecoderSession.Graph(file, true, true, null), weightCache);
        } catch (BackendException e) {
            System.out.println("failed=" + e.getMessage());
            return;
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        try (DecoderSession session = opened) {
            long open = LoaderMemoryChild.status("VmRSS:");
            long held = session.heldWeights();
            int[][] tokens = session.loop().generate(new int[][] {{1, 17, 42, 99}}, new int[] {2});
            long weights = WeightAccount.of(config, dtype, CudaGraphOnCpuTest.CUDA_INT4, true).stream()
                    .mapToLong(WeightClass::bytes).sum();
            System.out.println("baseline=" + baseline + " open=" + open + " peak=" + LoaderMemoryChild.status("VmHWM:")
                    + " peakAnon=" + peakAnon.get() + " held=" + held + " weights=" + weights
                    + " tokens=" + Arrays.toString(tokens[0]).replace(" ", ""));
        }
    }
}
