package dev.autoj.onnx.internal.bench;

import dev.autoj.onnx.internal.checkpoint.Buffers;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Writes a zip the way PyTorch's {@code PyTorchStreamWriter} (miniz) does for {@code torch.save}:
 * every entry stored (uncompressed), its data aligned to 64 bytes by an {@code "FB"} extra field
 * of padding, and Zip64 records where a value no longer fits 32 bits (a local header past 4 GB,
 * the directory of a file over 4 GB). Entries stream: each one's data is written into the
 * memory-mapped file region it will occupy, its CRC-32 taken over that region, the region unmapped,
 * and the CRC patched into the local header; only the central directory (a few hundred bytes per
 * entry) stays on the heap until {@link #close()}.
 *
 * <pre>{@code
 * try (TorchZipWriter zip = new TorchZipWriter(Path.of("pytorch_model.bin"), false)) {
 *     zip.add("pytorch_model/version", "3\n".getBytes(StandardCharsets.US_ASCII));
 *     zip.add("pytorch_model/data/0", 64, data -> data.putFloat(0, 1f));
 * }
 * }</pre>
 */
final class TorchZipWriter implements Closeable {

    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final long MAX_32 = 0xFFFFFFFFL;
    private static final int ALIGNMENT = 64;

    private final Path file;
    private final FileChannel channel;
    private final boolean forceZip64;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private long position;
    private long count;

    /**
     * Creates (or truncates) {@code file}.
     *
     * @param forceZip64 write Zip64 directory records even when nothing needs them (for reader
     *     tests on small files); otherwise only where a value exceeds 32 bits, as miniz does
     */
    TorchZipWriter(Path file, boolean forceZip64) {
        this.file = file;
        this.forceZip64 = forceZip64;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Adds a small entry whose bytes are at hand. */
    void add(String name, byte[] data) {
        add(name, data.length, region -> region.put(0, data));
    }

    /**
     * Adds an entry of {@code size} bytes (at most 2 GB, more than any single tensor of a 13B
     * model) that {@code fill} writes with absolute puts into the little-endian buffer it is
     * given, which maps the entry's place in the file.
     */
    void add(String name, long size, Consumer<ByteBuffer> fill) {
        add(name, size, fill, -1);
    }

    /** {@code knownCrc}: the CRC-32 of data left unwritten (a hole), or -1 to fill the mapped region and take it there. */
    private void add(String name, long size, Consumer<ByteBuffer> fill, long knownCrc) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("zip entry " + name + " of " + size + " bytes is over the 2 GB a mapping holds");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long local = position;
        boolean localZip64 = local >= MAX_32;
        // PyTorchStreamWriter's getPadding: header, name, the padding field's own 4 bytes and,
        // past 4 GB, the Zip64 extra field that miniz puts into the local header
        long start = local + 30 + nameBytes.length + 4 + (localZip64 ? 4 + 8 : 0);
        int padding = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
        int extraLength = (localZip64 ? 12 : 0) + 4 + padding;
        ByteBuffer header = le(30 + nameBytes.length + extraLength);
        header.putInt(LOCAL).putShort((short) (localZip64 ? 45 : 20)).putShort((short) 0).putShort((short) 0)
                .putInt(0).putInt(0) // time and date; the CRC is patched in once the data is written
                .putInt((int) size).putInt((int) size).putShort((short) nameBytes.length).putShort((short) extraLength)
                .put(nameBytes);
        if (localZip64) {
            header.putShort((short) 0x0001).putShort((short) 8).putLong(local);
        }
        header.putShort((short) 0x4246).putShort((short) padding).put(new byte[padding]);
        long data = local + header.capacity();
        long crc;
        try {
            write(header.flip(), local);
            if (knownCrc >= 0) {
                // left unwritten: the next header, written past it, leaves a hole in the file
                crc = knownCrc;
            } else {
                MappedByteBuffer region = channel.map(FileChannel.MapMode.READ_WRITE, data, size);
                region.order(ByteOrder.LITTLE_ENDIAN);
                fill.accept(region);
                CRC32 sum = new CRC32();
                sum.update(region.duplicate().clear());
                crc = sum.getValue();
                region.force();
                // unmapped now: the written pages would otherwise stay in this process's resident set
                Buffers.free(region);
            }
            write(le(4).putInt((int) crc).flip(), local + 14);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write zip entry " + name + " into " + file + ": " + e.getMessage(), e);
        }
        position = data + size;
        count++;
        directoryEntry(nameBytes, crc, size, local);
    }

    /**
     * Adds an entry of {@code size} zero bytes that are never written, a hole of a sparse file:
     * costs no disk and no memory, so a test can place later entries past 4 GB, where the Zip64
     * records start. Its CRC-32 is taken over zeros on the heap.
     */
    void hole(String name, long size) {
        byte[] zeros = new byte[1 << 20];
        CRC32 sum = new CRC32();
        for (long left = size; left > 0; left -= zeros.length) {
            sum.update(zeros, 0, (int) Math.min(left, zeros.length));
        }
        long crc = sum.getValue();
        add(name, size, null, crc);
    }

    private void directoryEntry(byte[] name, long crc, long size, long local) {
        boolean offset64 = forceZip64 || local >= MAX_32;
        boolean size64 = forceZip64;
        ByteBuffer extra = le((offset64 || size64 ? 4 : 0) + (size64 ? 16 : 0) + (offset64 ? 8 : 0));
        if (extra.capacity() > 0) {
            extra.putShort((short) 0x0001).putShort((short) (extra.capacity() - 4));
            if (size64) {
                extra.putLong(size).putLong(size);
            }
            if (offset64) {
                extra.putLong(local);
            }
        }
        boolean zip64 = extra.capacity() > 0;
        ByteBuffer header = le(46);
        header.putInt(CENTRAL).putShort((short) (zip64 ? 45 : 20)).putShort((short) (zip64 ? 45 : 20))
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) crc)
                .putInt(size64 ? -1 : (int) size).putInt(size64 ? -1 : (int) size)
                .putShort((short) name.length).putShort((short) extra.capacity()).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset64 ? -1 : (int) local);
        central.writeBytes(header.array());
        central.writeBytes(name);
        central.writeBytes(extra.array());
    }

    /** Writes the central directory and the end records, and closes the file. */
    @Override
    public void close() {
        try (channel) {
            long directory = position;
            byte[] entries = central.toByteArray();
            write(ByteBuffer.wrap(entries), directory);
            long end = directory + entries.length;
            boolean zip64 = forceZip64 || end >= MAX_32 || count >= 0xFFFF;
            if (zip64) {
                ByteBuffer record = le(56 + 20);
                record.putInt(ZIP64_EOCD).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(count).putLong(count).putLong(entries.length).putLong(directory);
                record.putInt(ZIP64_LOCATOR).putInt(0).putLong(end).putInt(1);
                write(record.flip(), end);
                end += record.capacity();
            }
            ByteBuffer eocd = le(22);
            eocd.putInt(EOCD).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (zip64 ? -1 : count)).putShort((short) (zip64 ? -1 : count))
                    .putInt(zip64 ? -1 : entries.length).putInt(zip64 ? -1 : (int) directory).putShort((short) 0);
            write(eocd.flip(), end);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot finish the zip " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(ByteBuffer bytes, long at) throws IOException {
        long p = at;
        while (bytes.hasRemaining()) {
            p += channel.write(bytes, p);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
