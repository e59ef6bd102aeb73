package dev.autoj.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;

/**
 * ONNX Runtime's CUDA execution provider as both decoders (native and exported) add it: the
 * provider options, and what happens when CUDA cannot be used.
 */
final class CudaProvider {

    /** The logger named in docs/onnx-backend.md for the fallback warning. */
    private static final System.Logger LOG = System.getLogger("dev.autoj.onnx.DecoderSession");

    private CudaProvider() {
    }

    /**
     * What happens when ONNX Runtime cannot use CUDA, for the native and the exported decoders alike:
     * with {@code device=cuda} an error saying what CUDA needs; with {@code auto} one warning, and the
     * caller goes on to the CPU.
     */
    static void unavailable(Device requested, String model, Throwable e) {
        String reason = EngineSwitches.firstLine(e.getMessage());
        if (requested == Device.CUDA) {
            throw new BackendException("Device cuda was requested for " + model + " but ONNX Runtime could not use CUDA: "
                    + reason + ". CUDA needs an NVIDIA GPU with its driver, the CUDA 12 and cuDNN 9 libraries on the library"
                    + " path, and the GPU build of ONNX Runtime: exclude com.microsoft.onnxruntime:onnxruntime from"
                    + " dev.autoj:autoj-onnx and add com.microsoft.onnxruntime:onnxruntime_gpu (docs/onnx-backend.md). Use"
                    + " device cpu or auto to run without it.", e);
        }
        LOG.log(System.Logger.Level.WARNING, "autoj onnx: CUDA unavailable (" + reason + "); running " + model + " on the CPU");
    }

    /**
     * CUDA provider options chosen for a 13B decoder: the arena grows by what is requested rather
     * than in powers of two ({@code kSameAsRequested}; the default doubling can reserve twice the
     * ~40 GB that fp16 weights, a batch-8 cache and a prefill need), and an optional memory limit
     * for sharing a GPU ({@link EngineSwitches#CUDA_MEMORY_LIMIT_PROPERTY}).
     */
    static OrtCUDAProviderOptions options() throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(0);
        try {
            cuda.add("arena_extend_strategy", "kSameAsRequested");
            String limit = System.getProperty(EngineSwitches.CUDA_MEMORY_LIMIT_PROPERTY);
            if (limit != null && !limit.isBlank()) {
                long bytes;
                try {
                    bytes = Long.parseLong(limit.strip());
                } catch (NumberFormatException e) {
                    throw new BackendException("System property " + EngineSwitches.CUDA_MEMORY_LIMIT_PROPERTY + " is \"" + limit
                            + "\"; give the CUDA memory limit as a number of bytes, e.g. 20000000000.", e);
                }
                cuda.add("gpu_mem_limit", Long.toString(bytes));
            }
            return cuda;
        } catch (OrtException | RuntimeException e) {
            cuda.close();
            throw e;
        }
    }
}
