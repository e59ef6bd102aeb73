package dev.autoj.onnx.internal.checkpoint;

/**
 * Where a 4-bit decoder gets each linear layer's weight: quantized on load from a full-precision
 * checkpoint ({@link #quantizing}), or read from a checkpoint that is already quantized (GPTQ).
 *
 * <pre>{@code
 * QuantizedWeights weights = QuantizedWeights.quantizing(checkpoint, 32, true);
 * QuantizedLinear up = weights.linear("model.layers.0.mlp.up_proj.weight", new long[] {11008, 4096});
 * }</pre>
 */
@FunctionalInterface
public interface QuantizedWeights {

    /**
     * The 4-bit form of the Hugging Face weight {@code name} of shape {@code [out, in]}.
     *
     * @throws CheckpointException when the checkpoint lacks it or holds another shape
     */
    QuantizedLinear linear(String name, long[] shape);

    /**
     * For a weight whose 4-bit form reads its inputs in another order (GPTQ act-order), that
     * order: input {@code j} of {@link #linear} is the layer's input {@code order[j]}.
     * {@code null} (the default) when the inputs keep their order.
     */
    default int[] inputOrder(String name) {
        return null;
    }

    /**
     * Quantizes each weight of {@code checkpoint} when asked (see {@link QuantizedLinear#quantize(Tensor, int, boolean)}),
     * unmapping the source tensor once it is quantized: a loader that quantizes the whole model
     * holds one source tensor at a time, not every page of the checkpoint it has read.
     */
    static QuantizedWeights quantizing(Checkpoint checkpoint, int blockSize, boolean zeroPoints) {
        return (name, shape) -> {
            Tensor source = checkpoint.tensor(name, shape);
            try {
                return QuantizedLinear.quantize(source, blockSize, zeroPoints);
            } finally {
                Buffers.free(source.data());
            }
        };
    }
}
