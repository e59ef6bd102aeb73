package dev.autoj.onnx;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The CUDA generation graph's host memory, measured without a GPU: opens the graph built for CUDA
 * (fp16 or int4 with fp16 activations) from the checkpoint in {@code args[0]} on the CPU execution
 * provider, writing the graph into {@code args[1]}, as dtype {@code args[2]}, decodes two tokens,
 * and prints one line {@code baseline=<VmRSS after ONNX Runtime started> open=<VmRSS with the
 * session open> peak=<VmHWM> held=<host weight buffers still held> weights=<session weight bytes>
 * tokens=<ids>}. On the CPU provider the session's own copy of the weights is host memory too, so
 * "open" minus "baseline" is one copy of the weights when the loader kept none of its own.
 * {@link CudaGraphOnCpuTest} runs it on a tiny model; by hand, on a bench model:
 *
 * <pre>
 * java -cp "$(cat cp.txt)" dev.autoj.onnx.CudaGraphMemoryChild /big/b13/model /big/cudagraph int4
 * </pre>
 */
public final class CudaGraphMemoryChild {

    private CudaGraphMemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        Dtype dtype = Dtype.parse(args[2]);
        OrtRuntime.environment();
        long baseline = LoaderMemoryChild.status("VmRSS:");
        ModelConfig config = ModelConfig.read(model);
        Checkpoint checkpoint = Checkpoint.open(model);
        Path file = work.resolve("cuda-" + dtype.name().toLowerCase(java.util.Locale.ROOT) + ".onnx");
        Files.write(file, ModelCache.build(config, dtype, CudaGraphOnCpuTest.CUDA_INT4, ModelCache.Kind.LOOP_FP16));
        try (DecoderSession session = DecoderSession.open(config, checkpoint, dtype, CudaGraphOnCpuTest.CUDA_INT4,
                QuantizedWeights.quantizing(checkpoint, CudaGraphOnCpuTest.CUDA_INT4.blockSize(), true), Device.CPU,
                device -> new DecoderSession.Graph(file, true, true, null))) {
            long open = LoaderMemoryChild.status("VmRSS:");
            long held = session.heldWeights();
            int[][] tokens = session.loop().generate(new int[][] {{1, 17, 42, 99}}, new int[] {2});
            long weights = WeightAccount.of(config, dtype, CudaGraphOnCpuTest.CUDA_INT4, true).stream()
                    .mapToLong(WeightClass::bytes).sum();
            System.out.println("baseline=" + baseline + " open=" + open + " peak=" + LoaderMemoryChild.status("VmHWM:")
                    + " held=" + held + " weights=" + weights + " tokens=" + Arrays.toString(tokens[0]).replace(" ", ""));
        }
    }
}
