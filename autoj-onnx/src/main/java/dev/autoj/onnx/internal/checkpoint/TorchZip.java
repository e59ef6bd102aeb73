package dev.autoj.onnx.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of the zip that {@code torch.save} writes, read without java.util.zip so
 * that each entry's data offset is known and its bytes can be memory-mapped in place. Handles
 * Zip64, which torch uses for files over 4 GB (every Auto-J-13B shard).
 */
final class TorchZip {

    /** One entry: its name, compression method (0 = stored) and where its data lies in the file. */
    record Entry(String name, int method, long size, long dataOffset) {
    }

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    private static final long MAX_DIRECTORY = 64L << 20;

    private TorchZip() {
    }

    static boolean isZip(FileChannel channel) throws IOException {
        if (channel.size() < 4) {
            return false;
        }
        return read(channel, 0, 4).getInt(0) == LOCAL;
    }

    static Map<String, Entry> entries(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, 22 + 65535);
        ByteBuffer end = read(channel, size - tail, tail);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == EOCD) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw damaged(file, "its zip end-of-directory record is missing (the file is truncated)");
        }
        long count = end.getShort(eocd + 10) & 0xFFFF;
        long directorySize = end.getInt(eocd + 12) & 0xFFFFFFFFL;
        long directoryOffset = end.getInt(eocd + 16) & 0xFFFFFFFFL;
        long eocdPosition = size - tail + eocd;
        if (eocdPosition >= 20 && read(channel, eocdPosition - 20, 4).getInt(0) == ZIP64_LOCATOR) {
            long zip64 = read(channel, eocdPosition - 20 + 8, 8).getLong(0);
            ByteBuffer record = read(channel, zip64, 56);
            if (record.getInt(0) != ZIP64_EOCD) {
                throw damaged(file, "its Zip64 end-of-directory record is not where the locator points");
            }
            count = record.getLong(32);
            directorySize = record.getLong(40);
            directoryOffset = record.getLong(48);
        }
        if (directorySize > MAX_DIRECTORY || directoryOffset + directorySize > size) {
            throw damaged(file, "its zip directory (" + directorySize + " bytes at " + directoryOffset
                    + ") does not fit in the file of " + size + " bytes");
        }
        ByteBuffer dir = read(channel, directoryOffset, (int) directorySize);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long n = 0; n < count; n++) {
            if (p + 46 > dir.limit() || dir.getInt(p) != CENTRAL) {
                throw damaged(file, "zip directory entry " + n + " is malformed");
            }
            int method = dir.getShort(p + 10) & 0xFFFF;
            long compressed = dir.getInt(p + 20) & 0xFFFFFFFFL;
            long uncompressed = dir.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLength = dir.getShort(p + 28) & 0xFFFF;
            int extraLength = dir.getShort(p + 30) & 0xFFFF;
            int commentLength = dir.getShort(p + 32) & 0xFFFF;
            long local = dir.getInt(p + 42) & 0xFFFFFFFFL;
            byte[] nameBytes = new byte[nameLength];
            dir.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            // Zip64 extra field: the 64-bit values of exactly those fields that hold 0xFFFFFFFF.
            int extra = p + 46 + nameLength;
            for (int q = extra; q + 4 <= extra + extraLength; ) {
                int id = dir.getShort(q) & 0xFFFF;
                int length = dir.getShort(q + 2) & 0xFFFF;
                if (id == 0x0001) {
                    int r = q + 4;
                    if (uncompressed == 0xFFFFFFFFL) {
                        uncompressed = dir.getLong(r);
                        r += 8;
                    }
                    if (compressed == 0xFFFFFFFFL) {
                        compressed = dir.getLong(r);
                        r += 8;
                    }
                    if (local == 0xFFFFFFFFL) {
                        local = dir.getLong(r);
                    }
                }
                q += 4 + length;
            }
            ByteBuffer header = read(channel, local, 30);
            if (header.getInt(0) != LOCAL) {
                throw damaged(file, "the local header of zip entry " + name + " is not where the directory points");
            }
            long data = local + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
            if (data + compressed > size) {
                throw damaged(file, "zip entry " + name + " ends past the end of the file (truncated download?)");
            }
            entries.put(name, new Entry(name, method, method == 0 ? uncompressed : compressed, data));
            p += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
        return buffer.flip();
    }

    private static CheckpointException damaged(Path file, String detail) {
        return new CheckpointException(file + " is not a readable PyTorch zip checkpoint: " + detail
                + ". Re-download or re-copy the file.");
    }
}
