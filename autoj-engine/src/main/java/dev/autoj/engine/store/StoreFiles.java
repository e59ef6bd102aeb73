package dev.autoj.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How both stores (judgments and answers) put a file in place: written whole under a hidden
 * temporary name, forced to disk, then hard-linked (or, without hard links, atomically moved under a
 * shard lock) to its final name, which is never overwritten. Not API.
 */
public final class StoreFiles {

    static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    /** One lock per shard folder's lock file: writers of different shards never wait for each other. */
    private static final Map<Path, Object> SHARD_LOCKS = new ConcurrentHashMap<>();

    private StoreFiles() {
    }

    /**
     * Writes {@code bytes} as {@code file} unless it exists; true when this call placed it, false
     * when another writer got there first (its file is kept).
     *
     * @param hardLinks false only for tests of the fallback used on file systems without hard links
     * @throws IOException when the file cannot be written
     */
    public static boolean placeNew(Path file, byte[] bytes, boolean hardLinks) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            writeDurably(temp, bytes);
            return hardLinks ? placeByLink(temp, file) : placeByMove(temp, file);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // The file itself is safely in place or the caller gets the first failure;
                // a stray hidden .tmp file is reported by verify, never read as content.
                System.getLogger(StoreFiles.class.getName()).log(System.Logger.Level.WARNING,
                        "Could not remove the temporary file " + temp + ": " + e.getMessage());
            }
        }
    }

    private static boolean placeByLink(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            return placeByMove(temp, file);
        }
    }

    /**
     * Without hard links, an atomic move would replace a file that appeared meanwhile, so writers
     * of one shard take turns: a lock in this JVM (file locks are per process) and a file lock
     * across processes.
     */
    private static boolean placeByMove(Path temp, Path file) throws IOException {
        Path lockFile = file.getParent().resolve(".lock");
        synchronized (SHARD_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    if (Files.exists(file)) {
                        return false;
                    }
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                } catch (AtomicMoveNotSupportedException e) {
                    throw new StoreException("The file system of " + file.getParent()
                            + " supports neither hard links nor atomic moves; keep the store on a local disk.", e);
                } finally {
                    lock.release();
                }
            }
        }
    }

    /**
     * The bytes of {@code file}, or null when there is no such file: none at its path, or a file where its
     * shard folder should be (it holds no stored document; recording there says what is in the way).
     */
    public static byte[] readIfPresent(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("Not a directory")) {
                return null;
            }
            throw e;
        }
    }

    /** True for a shard folder's name: two lower-case hex digits. */
    public static boolean isShard(String name) {
        return SHARD.matcher(name).matches();
    }

    /**
     * The files in the shard folders ({@code ab/}) of {@code directory} that end in {@code .json} and pass
     * {@code keep}, in a stable order; none when the folder does not exist.
     */
    public static List<Path> shardFiles(Path directory, Predicate<Path> keep) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> shards = Files.list(directory)) {
            for (Path shard : shards.filter(Files::isDirectory).filter(d -> isShard(d.getFileName().toString())).sorted().toList()) {
                try (Stream<Path> inShard = Files.list(shard)) {
                    inShard.filter(p -> p.getFileName().toString().endsWith(".json")).filter(keep).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    /** Every path in {@code directory} and up to two levels below it, sorted; none when the folder does not exist. */
    public static List<Path> tree(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(directory, 2)) {
            return all.sorted().toList();
        }
    }

    private static void writeDurably(Path temp, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** What went wrong with a file operation, in words, with the path when the exception names one. */
    public static String why(IOException e) {
        String path = e instanceof FileSystemException fs && fs.getFile() != null ? " (" + fs.getFile() + ")" : "";
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException) {
            return "permission denied" + path + "; make the folder writable for this user";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
                || reason.contains("Not a directory")) {
            return "a file is in the way" + path + " where a folder is needed; move it aside";
        }
        if (reason.contains("No space left") || reason.contains("Disk quota")) {
            return "the disk is full (" + reason + ")" + path + "; free space";
        }
        if (reason.contains("Read-only file system")) {
            return "the file system is read-only" + path;
        }
        return e.getClass().getSimpleName() + ": " + reason + path;
    }

    /** The start of a text on one line, for messages. */
    public static String preview(String text, int max) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() > max ? oneLine.substring(0, max) + "…" : oneLine;
    }
}
