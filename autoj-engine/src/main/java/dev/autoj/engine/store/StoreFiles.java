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
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * How both stores (judgments and answers) put a file in place: written whole under a hidden
 * temporary name, forced to disk, then hard-linked (or, without hard links, atomically moved under a
 * shard lock) to its final name, which is never overwritten. Not API.
 */
public final class StoreFiles {

    static final String TEMP_SUFFIX = ".tmp";
    private static final Object MOVE_LOCK = new Object();

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
        synchronized (MOVE_LOCK) {
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
