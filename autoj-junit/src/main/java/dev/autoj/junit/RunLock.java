package dev.autoj.junit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The run folder's file lock ({@code run/lock}), held while a process reads or changes the folder:
 * the test JVMs ({@link RunFolder#locked}) and the server's watcher ({@link RunServerWatcher}), which
 * runs from the autoj-junit jar alone, so this class uses the JDK only.
 */
final class RunLock {

    /** The run folder's folder of test JVMs judging through its server, one file per JVM: its pid, holding its start instant. */
    static final String CLIENTS = "clients";

    /** Something done under the lock. */
    interface Action<T> {
        T run() throws IOException;
    }

    private RunLock() {
    }

    /** Runs {@code action} holding the file lock {@code lockFile} (created when missing); waits for other processes. */
    static <T> T holding(Path lockFile, Action<T> action) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return action.run();
        }
    }
}
