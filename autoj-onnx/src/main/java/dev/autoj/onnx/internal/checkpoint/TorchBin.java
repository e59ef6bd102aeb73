package dev.autoj.onnx.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a PyTorch {@code .bin} state dict ({@code torch.save}'s zip format, PyTorch 1.6 and later):
 * the pickle {@code <archive>/data.pkl} with a restricted unpickler that executes nothing, and
 * each tensor's bytes located inside the stored (uncompressed) entry {@code <archive>/data/<key>},
 * so that they can be memory-mapped in place and never land on the heap.
 *
 * <pre>{@code
 * List<StoredTensor> tensors = TorchBin.read(Path.of("autoj-13b/pytorch_model-00001-of-00003.bin"));
 * }</pre>
 */
public final class TorchBin {

    static final String SINGLE = "pytorch_model.bin";
    static final String INDEX = "pytorch_model.bin.index.json";
    private static final long MAX_PICKLE = 256L << 20;

    /** The tensors of one file and the pickle bytes, which fingerprint its names, shapes and layout. */
    record Contents(List<StoredTensor> tensors, byte[] pickle) {
    }

    private TorchBin() {
    }

    /**
     * The tensors of a {@code .bin} file, in the order the state dict lists them.
     *
     * @throws CheckpointException naming the file (and tensor or Python global) when it is not a
     *     plain state dict of contiguous tensors, or refers to anything outside the tensor-rebuild allow-list
     */
    public static List<StoredTensor> read(Path file) {
        return contents(file).tensors();
    }

    static Contents contents(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!TorchZip.isZip(channel)) {
                throw notZip(file, channel);
            }
            Map<String, TorchZip.Entry> entries = TorchZip.entries(channel, file);
            TorchZip.Entry pickle = entries.values().stream()
                    .filter(e -> e.name().endsWith("/data.pkl") && e.name().indexOf('/') == e.name().length() - 9)
                    .findFirst()
                    .orElseThrow(() -> new CheckpointException(file + " is a zip but holds no <archive>/data.pkl; "
                            + "it is not a torch.save checkpoint."));
            String prefix = pickle.name().substring(0, pickle.name().length() - "data.pkl".length());
            TorchZip.Entry byteOrder = entries.get(prefix + "byteorder");
            if (byteOrder != null && byteOrder.method() == 0 && byteOrder.size() < 16) {
                String order = StandardCharsets.US_ASCII.decode(
                        TorchZip.read(channel, byteOrder.dataOffset(), (int) byteOrder.size())).toString().strip();
                if (!order.equals("little")) {
                    throw new CheckpointException(file + " was saved on a " + order + "-endian machine; only "
                            + "little-endian checkpoints are read. Re-save it on a little-endian machine or convert it.");
                }
            }
            if (pickle.method() != 0 || pickle.size() > MAX_PICKLE) {
                throw new CheckpointException(file + ": " + pickle.name() + " is compressed or over 256 MB; "
                        + "torch.save writes it stored. Re-save the file with torch.save.");
            }
            ByteBuffer bytes = TorchZip.read(channel, pickle.dataOffset(), (int) pickle.size());
            byte[] raw = bytes.array();
            Object root = Pickle.load(bytes, file + ":" + pickle.name());
            return new Contents(tensors(file, prefix, entries, root), raw);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("Weights file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + e, e);
        }
    }

    private static List<StoredTensor> tensors(Path file, String prefix, Map<String, TorchZip.Entry> entries, Object root) {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new CheckpointException(file + " holds a pickled " + root.getClass().getSimpleName()
                    + ", not a state dict (a dict of tensor names to tensors). Save model.state_dict() instead.");
        }
        List<StoredTensor> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> item : dict.entrySet()) {
            if (!(item.getKey() instanceof String name)) {
                throw new CheckpointException(file + " has a state dict key " + item.getKey() + " that is not a string.");
            }
            if (!(item.getValue() instanceof Pickle.TensorRef tensor)) {
                throw new CheckpointException(file + " maps \"" + name + "\" to something other than a tensor ("
                        + (item.getValue() == null ? "None" : item.getValue().getClass().getSimpleName())
                        + "). A nested dict such as {\"state_dict\": ...} or {\"model\": ...} is not a Hugging Face "
                        + "checkpoint; save the inner state dict on its own.");
            }
            tensors.add(locate(file, prefix, entries, name, tensor));
        }
        return tensors;
    }

    private static StoredTensor locate(Path file, String prefix, Map<String, TorchZip.Entry> entries, String name,
            Pickle.TensorRef tensor) {
        String dtype = Pickle.STORAGE_DTYPES.get(tensor.storage().type().name());
        int width = StoredTensor.width(dtype);
        long[] shape = tensor.shape();
        if (tensor.stride().length != shape.length) {
            throw new CheckpointException("Tensor " + name + " in " + file + " has shape " + Arrays.toString(shape)
                    + " but stride " + Arrays.toString(tensor.stride()) + "; the pickle is damaged.");
        }
        long expected = 1;
        long elements = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            // The stride of a dimension of size 1 never moves, so torch may store any value there.
            if (shape[i] != 1 && tensor.stride()[i] != expected) {
                throw new CheckpointException("Tensor " + name + " in " + file + " is not contiguous (shape "
                        + Arrays.toString(shape) + ", stride " + Arrays.toString(tensor.stride()) + "), e.g. a "
                        + "transposed view. Save it with .contiguous() (or convert the checkpoint in Python).");
            }
            expected *= shape[i];
            elements *= shape[i];
        }
        String key = prefix + "data/" + tensor.storage().key();
        TorchZip.Entry storage = entries.get(key);
        if (storage == null) {
            throw new CheckpointException("Tensor " + name + " in " + file + " lives in storage " + key
                    + ", which the zip does not hold; the file is damaged. Re-download it.");
        }
        if (storage.method() != 0) {
            throw new CheckpointException("Storage " + key + " of tensor " + name + " in " + file + " is compressed; "
                    + "torch.save stores tensors uncompressed. The file was re-zipped; re-save it with torch.save.");
        }
        long storageElements = storage.size() / width;
        if (tensor.offset() + elements > storageElements) {
            throw new CheckpointException("Tensor " + name + " in " + file + " needs elements " + tensor.offset()
                    + ".." + (tensor.offset() + elements) + " of storage " + key + ", which holds " + storageElements
                    + "; the file is damaged or truncated.");
        }
        long begin = storage.dataOffset() + tensor.offset() * width;
        return new StoredTensor(name, file, dtype, shape.clone(), begin, begin + elements * width);
    }

    private static CheckpointException notZip(Path file, FileChannel channel) throws IOException {
        if (channel.size() >= 2 && (TorchZip.read(channel, 0, 1).get(0) & 0xFF) == 0x80) {
            return new CheckpointException(file + " is in PyTorch's legacy (pre-1.6) serialization format, which "
                    + "autoj does not read. Re-save it once in Python: torch.save(torch.load(path, weights_only=True), path) writes the zip "
                    + "format; or convert it to safetensors.");
        }
        return new CheckpointException(file + " is not a PyTorch checkpoint (no zip signature at its start); "
                + "the file is damaged or something else.");
    }
}
