package dev.autoj.onnx.internal.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a state dict the way {@code torch.save} does (PyTorch 1.6+ zip format, pickle protocol 2),
 * so tests can build {@code .bin} checkpoints without Python: a stored zip with
 * {@code <archive>/data.pkl}, {@code byteorder}, {@code version} and one
 * {@code <archive>/data/<key>} entry per storage, each entry's data aligned to 64 bytes. The
 * pickle follows CPython's pickler for an {@code OrderedDict} of tensors: REDUCE of
 * {@code collections.OrderedDict}, SETITEMS of {@code _rebuild_tensor_v2} calls whose storages are
 * persistent ids ('storage', torch.FloatStorage, key, 'cpu', numel), then BUILD with the
 * {@code _metadata} state.
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

    /**
     * Writes {@code file}: the state dict {@code items} over the given raw storages (little-endian
     * bytes, by storage key).
     *
     * @param zip64 write Zip64 records as miniz does for files over 4 GB
     */
    public static void write(Path file, List<Item> items, Map<String, byte[]> storages, boolean zip64) {
        Map<String, Long> elements = new LinkedHashMap<>();
        for (Item item : items) {
            elements.putIfAbsent(item.storage(), (long) storages.get(item.storage()).length / StoredTensor.width(item.dtype()));
        }
        String archive = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(archive + "/data.pkl", pickle(items, elements));
        entries.put(archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        storages.forEach((key, bytes) -> entries.put(archive + "/data/" + key, bytes));
        entries.put(archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        writeZip(file, entries, zip64);
    }

    /** A stored zip with 64-byte aligned data, as PyTorchStreamWriter writes it. */
    public static void writeZip(Path file, Map<String, byte[]> entries, boolean zip64) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = entry.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            long offset = zip.size();
            int padding = (int) ((64 - (offset + 30 + name.length + 4) % 64) % 64);
            ByteBuffer local = le(30);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                    .putShort((short) name.length).putShort((short) (4 + padding));
            zip.writeBytes(local.array());
            zip.writeBytes(name);
            // "FB" extra field of padding bytes, as torch's writer uses to align the data.
            zip.writeBytes(le(4).putShort((short) 0x4246).putShort((short) padding).array());
            zip.writeBytes(new byte[padding]);
            zip.writeBytes(data);

            ByteBuffer extra = le(zip64 ? 28 : 0);
            if (zip64) {
                extra.putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(data.length).putLong(offset);
            }
            ByteBuffer header = le(46);
            header.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : data.length).putInt(zip64 ? -1 : data.length)
                    .putShort((short) name.length).putShort((short) extra.capacity()).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset);
            central.writeBytes(header.array());
            central.writeBytes(name);
            central.writeBytes(extra.array());
            count++;
        }
        long directoryOffset = zip.size();
        zip.writeBytes(central.toByteArray());
        if (zip64) {
            long record = zip.size();
            ByteBuffer end64 = le(56);
            end64.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(count).putLong(count).putLong(central.size()).putLong(directoryOffset);
            zip.writeBytes(end64.array());
            zip.writeBytes(le(20).putInt(0x07064b50).putInt(0).putLong(record).putInt(1).array());
        }
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? -1 : count)).putShort((short) (zip64 ? -1 : count))
                .putInt(zip64 ? -1 : central.size()).putInt(zip64 ? -1 : (int) directoryOffset).putShort((short) 0);
        zip.writeBytes(end.array());
        try {
            Files.write(file, zip.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
