package dev.autoj.onnx;

import dev.autoj.onnx.internal.checkpoint.CheckpointException;
import dev.autoj.onnx.internal.checkpoint.GptqCheckpoint;
import dev.autoj.onnx.internal.checkpoint.GptqLinear;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The 4-bit weights of a GPTQ checkpoint, repacked (not requantized) for MatMulNBits, and the
 * graph layout they need: one block size for all layers, zero points unless the checkpoint is
 * symmetric, the head in full precision unless the checkpoint quantized it too, and act-order input orders shared where layers read
 * the same activations in the same order.
 */
final class GptqWeights implements QuantizedWeights {

    private final GptqCheckpoint gptq;
    private final LlamaGraph.Int4 layout;
    private final Map<String, int[]> orders;

    private GptqWeights(GptqCheckpoint gptq, LlamaGraph.Int4 layout, Map<String, int[]> orders) {
        this.gptq = gptq;
        this.layout = layout;
        this.orders = orders;
    }

    /**
     * Reads every quantized layer's header and {@code g_idx} (not its weights) to plan the graph.
     *
     * @throws CheckpointException naming the tensor and file when a layer is missing, has another
     *     shape than config.json implies, or cannot be mapped to the common layout
     */
    static GptqWeights plan(ModelConfig config, GptqCheckpoint gptq, int accuracyLevel) {
        // Some GPTQ tools quantize lm_head too (quantize_config "lm_head": true); then it is a GPTQ layer like the others.
        boolean quantizedHead = !config.tieWordEmbeddings() && gptq.stored("lm_head.qweight") != null;
        LlamaGraph.Int4 probe = new LlamaGraph.Int4(16, accuracyLevel, false, quantizedHead, new TreeMap<>());
        Map<String, int[]> orders = new LinkedHashMap<>();
        int blockSize = -1;
        String blockSource = null;
        for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(config, probe)) {
            GptqLinear linear = gptq.linear(prefix(w.name()));
            if (linear.outFeatures() != w.shape()[0] || linear.inFeatures() != w.shape()[1]) {
                StoredTensor qweight = gptq.stored(prefix(w.name()) + ".qweight");
                throw new CheckpointException("Tensor " + qweight.name() + " in " + qweight.file() + " has shape "
                        + Arrays.toString(qweight.shape()) + " but config.json implies [" + w.shape()[1] / 8 + ", "
                        + w.shape()[0] + "] (" + w.shape()[1] + " inputs / 8, " + w.shape()[0] + " outputs). The weights "
                        + "and config.json do not belong together.");
            }
            if (linear.blockSize() < 16) {
                linear.toMatMulNBits(); // throws the message that explains the group size
            }
            if (blockSize < 0) {
                blockSize = linear.blockSize();
                blockSource = linear.name();
            } else if (linear.blockSize() != blockSize) {
                throw new CheckpointException(linear.name() + " repacks into MatMulNBits blocks of " + linear.blockSize()
                        + " but " + blockSource + " into blocks of " + blockSize + " (GPTQ groups spanning whole columns of "
                        + "different lengths); the decoder needs one block size. Re-quantize with group size 32, 64 or 128.");
            }
            int[] order = linear.inputOrder();
            if (order != null) {
                orders.put(w.name(), order);
            }
        }
        OrderNames names = new OrderNames();
        for (int l = 0; l < config.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            names.share(orders, p + "self_attn.input_order", p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight",
                    p + "self_attn.v_proj.weight");
            names.share(orders, p + "self_attn.o_proj.input_order", p + "self_attn.o_proj.weight");
            names.share(orders, p + "mlp.input_order", p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight");
            names.share(orders, p + "mlp.down_proj.input_order", p + "mlp.down_proj.weight");
        }
        names.share(orders, "lm_head.input_order", "lm_head.weight");
        LlamaGraph.Int4 layout = new LlamaGraph.Int4(blockSize, accuracyLevel, !gptq.config().sym(), quantizedHead, names.map);
        return new GptqWeights(gptq, layout, orders);
    }

    /** Which order initializer each act-order weight reads. */
    private static final class OrderNames {
        final TreeMap<String, String> map = new TreeMap<>();

        /**
         * One initializer {@code shared} when every weight of the group has the same order;
         * otherwise one per weight that has an order.
         */
        void share(Map<String, int[]> orders, String shared, String... weights) {
            int[] first = orders.get(weights[0]);
            boolean same = first != null;
            for (String w : weights) {
                same &= Arrays.equals(orders.get(w), first);
            }
            for (String w : weights) {
                if (orders.containsKey(w)) {
                    map.put(w, same ? shared : prefix(w) + ".input_order");
                }
            }
        }
    }

    /** The graph layout these weights fit. */
    LlamaGraph.Int4 layout() {
        return layout;
    }

    @Override
    public QuantizedLinear linear(String name, long[] shape) {
        GptqLinear linear = gptq.linear(prefix(name));
        QuantizedLinear weight = linear.toMatMulNBits().weight();
        if (layout.zeroPoints() && weight.zeroPoints() == null) {
            // An asymmetric checkpoint whose layer happens to use only zero point 8.
            int bytes = weight.outFeatures() * ((weight.blocksPerRow() + 1) / 2);
            ByteBuffer eights = ByteBuffer.allocateDirect(bytes);
            for (int i = 0; i < bytes; i++) {
                eights.put(i, (byte) 0x88);
            }
            weight = new QuantizedLinear(4, weight.blockSize(), weight.outFeatures(), weight.inFeatures(), weight.packed(),
                    weight.scales(), eights);
        } else if (!layout.zeroPoints() && weight.zeroPoints() != null) {
            StoredTensor qzeros = gptq.stored(prefix(name) + ".qzeros");
            throw new CheckpointException("Tensor " + qzeros.name() + " in " + qzeros.file() + " holds zero points other than 8, "
                    + "but the quantization config of " + gptq.dir() + " says sym=true. Fix \"sym\" in the config.");
        }
        return weight;
    }

    @Override
    public int[] inputOrder(String name) {
        return orders.get(name);
    }

    /** {@code model.layers.0.mlp.up_proj} of the weight {@code model.layers.0.mlp.up_proj.weight}. */
    private static String prefix(String weightName) {
        return weightName.substring(0, weightName.length() - ".weight".length());
    }
}
