package dev.autoj.onnx.internal.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * safetensors files of any element type: listing the tensors of one file (GPTQ checkpoints hold
 * I32 tensors, which {@link Checkpoint} does not take as weights) and writing a file by streaming
 * each tensor's bytes from where it lies, never holding a tensor on the heap.
 *
 * <pre>{@code
 * List<StoredTensor> tensors = TorchBin.read(Path.of("pytorch_model.bin"));
 * Safetensors.write(Path.of("model.safetensors"), tensors);
 * }</pre>
 */
public final class Safetensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** The tensors of one safetensors file, in header order. */
    public static List<StoredTensor> read(Path file) {
        return contents(file).tensors();
    }

    /** A file's tensors and its raw header bytes (which identify the file's layout, e.g. for a cache key). */
    record Contents(List<StoredTensor> tensors, byte[] header) {
    }

    static Contents contents(Path file) {
        JsonNode header;
        byte[] raw;
        long dataStart;
        long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = channel.size();
            if (size < 8) {
                throw truncated(file, "it has " + size + " bytes, fewer than the 8-byte header length");
            }
            long headerLength = TorchZip.read(channel, 0, 8).getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER) {
                throw new CheckpointException(file + " is not a safetensors file: its header length field says "
                        + headerLength + " bytes. Re-download the file.");
            }
            if (8 + headerLength > size) {
                throw truncated(file, "its header needs " + headerLength + " bytes but the file has " + size);
            }
            raw = TorchZip.read(channel, 8, (int) headerLength).array();
            header = JSON.readTree(new String(raw, StandardCharsets.UTF_8).strip());
            dataStart = 8 + headerLength;
        } catch (JacksonException e) {
            throw new CheckpointException("The safetensors header of " + file + " is not valid JSON ("
                    + e.getOriginalMessage() + "); the file is damaged. Re-download it.", e);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("Weights file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + e, e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException("The safetensors header of " + file + " is not a JSON object; the file is damaged.");
        }
        List<StoredTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            String name = field.getKey();
            JsonNode info = field.getValue();
            String dtype = info.path("dtype").asText();
            int width = StoredTensor.width(dtype);
            if (width == 0) {
                throw new CheckpointException("Tensor " + name + " in " + file + " has dtype \"" + dtype
                        + "\", which is not a safetensors element type; the header is damaged or from a newer format.");
            }
            JsonNode shapeNode = info.path("shape");
            JsonNode offsets = info.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new CheckpointException("Tensor " + name + " in " + file + " lacks a shape or data_offsets; "
                        + "the header is damaged.");
            }
            long[] shape = new long[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) {
                    throw new CheckpointException("Tensor " + name + " in " + file + " has a bad shape " + shapeNode + ".");
                }
                elements *= shape[i];
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end - begin != elements * width) {
                throw new CheckpointException("Tensor " + name + " in " + file + " has data_offsets " + offsets
                        + " that do not fit its shape " + shapeNode + " and dtype " + dtype + "; the header is damaged.");
            }
            if (dataStart + end > size) {
                throw truncated(file, "tensor " + name + " ends at byte " + (dataStart + end) + " of " + size);
            }
            tensors.add(new StoredTensor(name, file, dtype, shape, dataStart + begin, dataStart + end));
        }
        return new Contents(List.copyOf(tensors), raw);
    }

    private static CheckpointException truncated(Path file, String detail) {
        return new CheckpointException(file + " is truncated: " + detail + ". Re-download or re-copy the file.");
    }

    /**
     * Writes {@code tensors} as one safetensors file. Each tensor's bytes are copied from its file
     * channel to the output channel; the file appears complete or not at all (written beside
     * {@code out}, then moved into place).
     */
    public static void write(Path out, List<StoredTensor> tensors) {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (StoredTensor t : tensors) {
            if (header.has(t.name())) {
                throw new CheckpointException("Tensor " + t.name() + " is listed twice for " + out + ".");
            }
            ObjectNode info = header.putObject(t.name());
            info.put("dtype", t.dtype());
            ArrayNode shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + (t.end() - t.begin()));
            offset += t.end() - t.begin();
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try {
            try (FileChannel target = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                prefix.flip();
                while (prefix.hasRemaining()) {
                    target.write(prefix);
                }
                for (StoredTensor t : tensors) {
                    try (FileChannel source = FileChannel.open(t.file(), StandardOpenOption.READ)) {
                        long position = t.begin();
                        while (position < t.end()) {
                            long n = source.transferTo(position, t.end() - position, target);
                            if (n <= 0) {
                                throw new IOException("cannot read tensor " + t.name() + " at byte " + position + " of " + t.file());
                            }
                            position += n;
                        }
                    }
                }
                target.force(false);
            }
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CheckpointException("Cannot write " + out + ": " + e, e);
        }
    }
}
