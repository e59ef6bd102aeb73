package dev.autoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.cli.eval.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The {@code --out} file of a resumable run: one result line per input request, in input order,
 * each appended and flushed as soon as it is finished. A run that stops (Ctrl-C, a crash, a failed
 * back end) keeps every finished line; the next run with the same input continues after them.
 *
 * <p>Each line carries {@code request_sha256}, the hash of the request it answers, so a file that
 * belongs to a different input is refused instead of being extended. A last line without its
 * newline is the one being written when the run stopped: it is dropped and judged again.
 */
final class ResumableOutput implements AutoCloseable {

    static final String HASH_FIELD = "request_sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final int done;

    private ResumableOutput(Path file, FileChannel channel, int done) {
        this.file = file;
        this.channel = channel;
        this.done = done;
    }

    /**
     * Opens {@code file} for appending, creating it when absent.
     *
     * @param requestHashes the hash of every input request, in input order
     * @param inputFile the input, for messages
     * @throws OutputException when the file cannot be read or written
     * @throws InputException when it holds lines that answer other requests
     */
    static ResumableOutput open(Path file, List<String> requestHashes, Path inputFile) {
        Path target = file.toAbsolutePath().normalize();
        if (!Files.isDirectory(target.getParent())) {
            throw new OutputException("cannot write " + file + ": folder " + target.getParent() + " does not exist; create it first", null);
        }
        if (Files.isDirectory(target)) {
            throw new OutputException("cannot write " + file + ": it is a folder; name a file", null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            byte[] bytes = Files.readAllBytes(target);
            int end = lastNewline(bytes) + 1;
            boolean partial = end < bytes.length;
            int done = check(file, new String(bytes, 0, end, StandardCharsets.UTF_8), requestHashes, inputFile);
            if (partial) {
                channel.truncate(end);
                channel.force(true);
            }
            channel.position(end);
            return new ResumableOutput(file, channel, done);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new OutputException("cannot open " + file + " to append judgments (" + e + "); check the folder's"
                    + " permissions and free space", e);
        } catch (RuntimeException e) {
            closeQuietly(channel, null);
            throw e;
        }
    }

    /** The number of requests already answered in the file. */
    int done() {
        return done;
    }

    /** Appends one finished line and hands it to the operating system before returning. */
    void append(String line) {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new OutputException("cannot append to " + file + " (" + e + "); the judgments written so far are kept,"
                    + " run the same command again to continue", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new OutputException("cannot finish writing " + file + " (" + e + "); run the same command again to check it", e);
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Checks every complete line against the request at its position; returns how many there are. */
    private static int check(Path file, String complete, List<String> requestHashes, Path inputFile) {
        if (complete.isEmpty()) {
            return 0;
        }
        String[] lines = complete.split("\n", -1);
        int count = lines.length - 1;
        String fix = "pass a new --out file, or delete " + file + " to judge " + inputFile + " from the start";
        if (count > requestHashes.size()) {
            throw new InputException(file, 0, "holds " + count + " judgments but " + inputFile + " has only "
                    + requestHashes.size() + " requests, so it belongs to a different input", fix);
        }
        for (int i = 0; i < count; i++) {
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject() || !node.path(HASH_FIELD).isTextual()) {
                throw new InputException(file, i + 1, "is not a judgment line written by autoj judge (no \"" + HASH_FIELD
                        + "\")", fix);
            }
            if (!node.get(HASH_FIELD).asText().equals(requestHashes.get(i))) {
                throw new InputException(file, i + 1, "answers another request than request " + (i + 1) + " of " + inputFile
                        + " (the input changed since this file was written)", fix);
            }
        }
        return count;
    }

    private static void closeQuietly(FileChannel channel, IOException failure) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
