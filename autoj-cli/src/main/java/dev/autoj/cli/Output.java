package dev.autoj.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a command's result lines all at once, after every input line has been processed, so that
 * an error on line N leaves nothing behind: to stdout, or to a file through a temporary file in the
 * same folder that is atomically moved into place.
 */
final class Output {

    private Output() {
    }

    static void write(AutojCommand command, Path file, List<String> lines) {
        if (file == null) {
            lines.forEach(command.out()::println);
            return;
        }
        Path target = file.toAbsolutePath().normalize();
        Path folder = target.getParent();
        if (!Files.isDirectory(folder)) {
            throw new OutputException("cannot write " + file + ": folder " + folder + " does not exist; create it first", null);
        }
        if (Files.isDirectory(target)) {
            throw new OutputException("cannot write " + file + ": it is a folder; name a file", null);
        }
        Path temp = null;
        try {
            // Not createTempFile (mode 0600 whatever the umask): outputs are read by other users too (CI artefacts).
            temp = folder.resolve("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                for (String line : lines) {
                    writer.write(line);
                    writer.write('\n');
                }
            }
            move(temp, target);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new OutputException("cannot write " + file + " (" + e + "); check the folder's permissions and free space"
                    + " — the file was left unchanged", e);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temp, IOException failure) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
