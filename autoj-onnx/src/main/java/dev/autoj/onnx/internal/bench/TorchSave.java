package dev.autoj.onnx.internal.bench;

import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a state dict the way {@code torch.save} does (PyTorch 1.6+ zip format, pickle protocol 2),
 * so that {@code bench --stored bin} and the tests build {@code .bin} checkpoints without Python;
 * for a plain fp16 state dict (what {@link SyntheticCheckpoint#writeTorchBin} gives it) the file is
 * what {@code torch.save(model.half().state_dict(), path)} writes: a stored zip with
 * {@code <archive>/data.pkl}, {@code byteorder}, {@code version} and one
 * {@code <archive>/data/<key>} entry per storage, each entry's data aligned to 64 bytes. The
 * pickle follows CPython's pickler for an {@code OrderedDict} of tensors: REDUCE of
 * {@code collections.OrderedDict}, SETITEMS of {@code _rebuild_tensor_v2} calls whose storages are
 * persistent ids ('storage', torch.FloatStorage, key, 'cpu', numel), then BUILD with the
 * {@code _metadata} state. The zip is {@link TorchZipWriter}'s: storages stream into the file one
 * at a time, never onto the heap.
 *
 * <pre>{@code
 * TorchSave.write(Path.of("pytorch_model.bin"),
 *         List.of(TorchSave.Item.contiguous("model.norm.weight", "F16", new long[] {5120}, "0")),
 *         Map.of("0", new byte[2 * 5120]), false);
 * }</pre>
 */
public final class TorchSave {

    /** One tensor: {@code storage} and {@code offset} (in elements) let several tensors share a storage. */
    public record Item(String name, String dtype, long[] shape, long[] stride, String storage, long offset) {
        public static Item contiguous(String name, String dtype, long[] shape, String storage) {
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            return new Item(name, dtype, shape, stride, storage, 0);
        }
    }

    private static final Map<String, String> STORAGE_CLASSES = Map.of(
            "F32", "FloatStorage", "F16", "HalfStorage", "BF16", "BFloat16Storage", "I32", "IntStorage",
            "I64", "LongStorage", "U8", "ByteStorage");

    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    private final Map<String, Integer> memoOfGlobals = new HashMap<>();
    private int memo;

    private TorchSave() {
    }

    /** The pickle torch.save would write for these tensors. */
    public static byte[] pickle(List<Item> items, Map<String, Long> storageElements) {
        TorchSave out = new TorchSave();
        out.writeStateDict(items, storageElements);
        return out.pickle.toByteArray();
    }

    /** One storage of the state dict: its key, its size in bytes, and what writes its bytes into the buffer given. */
    public record Storage(String key, long bytes, Consumer<ByteBuffer> fill) {
    }

    /**
     * Writes {@code file}: the state dict {@code items} over the given raw storages (little-endian
     * bytes, by storage key), all at hand; for small state dicts.
     *
     * @param zip64 write Zip64 directory records even on a small file, as miniz does for files over 4 GB
     */
    public static void write(Path file, List<Item> items, Map<String, byte[]> storages, boolean zip64) {
        List<Storage> list = new ArrayList<>();
        storages.forEach((key, bytes) -> list.add(new Storage(key, bytes.length, buffer -> buffer.put(0, bytes))));
        write(file, items, list, zip64);
    }

    /**
     * Writes {@code file} streaming: each storage's bytes go straight into the mapped file region
     * of its zip entry, one storage at a time, so the state dict may be far larger than the heap.
     */
    public static void write(Path file, List<Item> items, List<Storage> storages, boolean zip64) {
        Map<String, Long> elements = new LinkedHashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        storages.forEach(s -> sizes.put(s.key(), s.bytes()));
        for (Item item : items) {
            Long bytes = sizes.get(item.storage());
            if (bytes == null) {
                throw new IllegalArgumentException("tensor " + item.name() + " names storage " + item.storage()
                        + ", which is not among the storages given");
            }
            elements.putIfAbsent(item.storage(), bytes / StoredTensor.width(item.dtype()));
        }
        String archive = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        try (TorchZipWriter zip = new TorchZipWriter(file, zip64)) {
            zip.add(archive + "/data.pkl", pickle(items, elements));
            zip.add(archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Storage storage : storages) {
                zip.add(archive + "/data/" + storage.key(), storage.bytes(), storage.fill());
            }
            zip.add(archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A stored zip of these entries with 64-byte aligned data, as PyTorchStreamWriter writes it. */
    public static void writeZip(Path file, Map<String, byte[]> entries, boolean zip64) {
        try (TorchZipWriter zip = new TorchZipWriter(file, zip64)) {
            entries.forEach(zip::add);
        }
    }

    private void writeStateDict(List<Item> items, Map<String, Long> storageElements) {
        op(0x80, 2); // PROTO 2
        global("collections", "OrderedDict");
        op(')');
        op('R');
        put();
        if (items.size() > 1) {
            op('(');
        }
        for (Item item : items) {
            string(item.name());
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(');
            string("storage");
            global("torch", STORAGE_CLASSES.get(item.dtype()));
            string(item.storage());
            string("cpu");
            integer(storageElements.get(item.storage()));
            op('t');
            put();
            op('Q');
            integer(item.offset());
            tuple(item.shape());
            tuple(item.stride());
            op(0x89); // NEWFALSE: requires_grad
            global("collections", "OrderedDict");
            op(')');
            op('R');
            put();
            op('t');
            put();
            op('R');
            put();
            if (items.size() == 1) {
                op('s');
            }
        }
        if (items.size() > 1) {
            op('u');
        }
        // state_dict()'s _metadata attribute, pickled as the OrderedDict's BUILD state.
        op('}');
        put();
        string("_metadata");
        global("collections", "OrderedDict");
        op(')');
        op('R');
        put();
        string("");
        op('}');
        put();
        string("version");
        integer(1);
        op('s');
        op('s');
        op('s');
        op('b');
        op('.');
    }

    private void global(String module, String name) {
        Integer slot = memoOfGlobals.get(module + "." + name);
        if (slot != null) {
            get(slot);
            return;
        }
        pickle.write('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        memoOfGlobals.put(module + "." + name, memo);
        put();
    }

    private void string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        pickle.write('X');
        pickle.writeBytes(le(4).putInt(bytes.length).array());
        pickle.writeBytes(bytes);
        put();
    }

    /** Python's save_long for protocol 2: BININT1, BININT2, BININT or LONG1. */
    private void integer(long value) {
        if (value >= 0 && value <= 0xFF) {
            op('K', (int) value);
        } else if (value >= 0 && value <= 0xFFFF) {
            pickle.write('M');
            pickle.writeBytes(le(2).putShort((short) value).array());
        } else if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            pickle.write('J');
            pickle.writeBytes(le(4).putInt((int) value).array());
        } else {
            byte[] bytes = le(8).putLong(value).array();
            int length = 8;
            while (length > 1 && bytes[length - 1] == (value < 0 ? -1 : 0)
                    && ((bytes[length - 2] & 0x80) != 0) == (value < 0)) {
                length--;
            }
            op(0x8a, length);
            pickle.write(bytes, 0, length);
        }
    }

    private void tuple(long[] values) {
        if (values.length == 0) {
            op(')');
            return;
        }
        if (values.length > 3) {
            op('(');
        }
        for (long v : values) {
            integer(v);
        }
        op(values.length == 1 ? 0x85 : values.length == 2 ? 0x86 : values.length == 3 ? 0x87 : 't');
        put();
    }

    private void put() {
        if (memo < 256) {
            op('q', memo);
        } else {
            pickle.write('r');
            pickle.writeBytes(le(4).putInt(memo).array());
        }
        memo++;
    }

    private void get(int slot) {
        if (slot < 256) {
            op('h', slot);
        } else {
            pickle.write('j');
            pickle.writeBytes(le(4).putInt(slot).array());
        }
    }

    private void op(int code) {
        pickle.write(code);
    }

    private void op(int code, int operand) {
        pickle.write(code);
        pickle.write(operand);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
