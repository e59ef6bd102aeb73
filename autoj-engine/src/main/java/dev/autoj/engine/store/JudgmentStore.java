package dev.autoj.engine.store;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.internal.LineDiff;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judgments kept as files, so that a test run can be replayed without a GPU and the store can be
 * committed next to the tests.
 *
 * <p>Each judgment is one pretty-printed JSON document at {@code <dir>/ab/abcdef….json}, where
 * {@code abcdef…} is its key: the SHA-256 of a canonical description of the model id, protocol,
 * language, exact prompt and decoding settings (greedy, token budget). The key holds no path and no
 * time, so the same judgment gets the same file on every machine.
 *
 * <p>Writes are atomic: the document is written to a temporary file in the same folder and then
 * linked (or atomically moved) into place, so a reader never sees a partial file and a killed writer
 * leaves at most a hidden {@code .tmp} file. Any number of threads and processes may record into
 * one store: recording a key again with the same output is a no-op, with a different output a
 * {@link StoreConflictException}; a file is never overwritten. Instances are thread-safe.
 *
 * <pre>{@code
 * JudgmentStore store = JudgmentStore.open(Path.of("src/test/resources/autoj-store"));
 * String key = JudgmentStore.key("GAIR/autoj-13b", Protocol.SINGLE, Language.EN, prompt.text(), 1024);
 * Optional<StoredJudgment> hit = store.find(key);
 * }</pre>
 */
public final class JudgmentStore {

    /** The format tag written into every document. */
    public static final String FORMAT = JudgmentCodec.FORMAT;

    /**
     * The folder of shard markers: an empty file {@code .shards/ab} is written when shard folder
     * {@code ab/} is first created, so that a shard folder lost later (deleted, not committed) is
     * reported as missing instead of looking like a judgment that was never recorded.
     */
    public static final String SHARD_MARKERS = ".shards";
    /** Where judgments go that the store could not take, relative to the working directory (see {@link #keepUnsaved}). */
    public static final Path DEFAULT_UNSAVED_DIRECTORY = Path.of("target", "autoj", "unsaved");


    private final Path directory;
    /** The store's judgments, read once on the first replay miss to find the nearest recording. */
    private volatile List<StoredJudgment> nearestIndex;
    private final boolean hardLinks;
    private final Path unsavedDirectory;

    private JudgmentStore(Path directory, boolean hardLinks, Path unsavedDirectory) {
        this.directory = directory;
        this.hardLinks = hardLinks;
        this.unsavedDirectory = unsavedDirectory;
    }

    /**
     * A store in {@code directory}; the folder is created on the first recording. Opening touches
     * nothing on disk, so a replay-only store may be read-only.
     */
    public static JudgmentStore open(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("the judgment store directory must not be null");
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new StoreException("The judgment store path " + directory + " is a file, not a directory; point the store at a folder.");
        }
        return new JudgmentStore(directory, true, DEFAULT_UNSAVED_DIRECTORY);
    }

    /** For tests of the fallback used on file systems without hard links. */
    static JudgmentStore openWithoutHardLinks(Path directory) {
        return new JudgmentStore(directory, false, DEFAULT_UNSAVED_DIRECTORY);
    }

    /**
     * This store with another folder for judgments it cannot take (default {@code target/autoj/unsaved}
     * under the working directory); see {@link #keepUnsaved}.
     */
    public JudgmentStore withUnsavedDirectory(Path unsaved) {
        if (unsaved == null) {
            throw new IllegalArgumentException("the folder for unsaved judgments must not be null");
        }
        return new JudgmentStore(directory, hardLinks, unsaved);
    }

    /** Where judgments go that this store could not take. */
    public Path unsavedDirectory() {
        return unsavedDirectory;
    }

    public Path directory() {
        return directory;
    }

    /** The key of a judgment: see {@link JudgmentKey#of}. */
    public static String key(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        return JudgmentKey.of(modelId, protocol, language, prompt, maxNewTokens);
    }

    /** The key of a sampled judgment (null sampling: greedy): see {@link JudgmentKey#of(String, Protocol, Language, String, int, Sampling)}. */
    public static String key(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens,
            Sampling sampling) {
        return JudgmentKey.of(modelId, protocol, language, prompt, maxNewTokens, sampling);
    }

    /** What the key is the hash of: see {@link JudgmentKey#canonicalDescription}. */
    public static String canonicalDescription(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        return JudgmentKey.canonicalDescription(modelId, protocol, language, prompt, maxNewTokens);
    }

    /** Where the judgment with {@code key} lives, relative to the store: {@code ab/abcdef….json}. */
    public static String relativeFile(String key) {
        return JudgmentKey.relativeFile(key);
    }

    /** The file of a key in this store (it may not exist). */
    public Path file(String key) {
        JudgmentKey.require(key);
        return directory.resolve(JudgmentKey.relativeFile(key));
    }

    /**
     * The judgment recorded under {@code key}, if any.
     *
     * @throws StoreException naming the file when it exists but cannot be read as a judgment
     */
    public Optional<StoredJudgment> find(String key) {
        Path file = file(key);
        byte[] bytes;
        try {
            bytes = StoreFiles.readIfPresent(file);
        } catch (IOException e) {
            throw new StoreException("Cannot read the judgment file " + file + ": " + why(e), e);
        }
        if (bytes == null) {
            return Optional.empty();
        }
        StoredJudgment judgment = JudgmentCodec.read(file, bytes);
        StoreUse.judgmentUsed(key);
        return Optional.of(judgment);
    }

    /**
     * Records {@code judgment} under its key and returns what the store now holds for it: the given
     * instance when this call wrote the file, or the judgment already there when it has the same output.
     *
     * @throws StoreConflictException when the key holds a different output (the file is kept)
     */
    public StoredJudgment record(StoredJudgment judgment) {
        String key = judgment.key();
        Path file = file(key);
        Optional<StoredJudgment> existing = find(key);
        if (existing.isPresent()) {
            return sameOrConflict(key, file, existing.get(), judgment);
        }
        Path shard = file.getParent();
        try {
            Files.createDirectories(shard);
        } catch (IOException e) {
            throw new StoreException("Cannot create the judgment store folder " + shard + ": " + why(e), e);
        }
        markShard(shard.getFileName().toString());
        try {
            if (StoreFiles.placeNew(file, JudgmentCodec.write(key, judgment), hardLinks)) {
                StoreUse.judgmentUsed(key);
                return judgment;
            }
        } catch (IOException e) {
            throw new StoreException("Cannot write the judgment file " + file + ": " + why(e), e);
        }
        StoredJudgment winner = find(key).orElseThrow(() -> new StoreException(
                "The judgment file " + file + " vanished while recording; is another process deleting the store?"));
        return sameOrConflict(key, file, winner, judgment);
    }

    /** Notes that shard folder {@code shard} holds judgments; a marker that cannot be written only costs that note. */
    private void markShard(String shard) {
        Path marker = directory.resolve(SHARD_MARKERS).resolve(shard);
        if (Files.exists(marker)) {
            return;
        }
        try {
            Files.createDirectories(marker.getParent());
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // Another writer marked it first.
        } catch (IOException e) {
            System.getLogger(JudgmentStore.class.getName()).log(System.Logger.Level.WARNING,
                    "Could not write the shard marker " + marker + " (" + why(e) + "); a lost shard folder " + shard
                            + "/ will not be reported as missing.");
        }
    }

    /** True when the store once recorded into the shard folder of {@code key} and that folder is gone. */
    public boolean shardFolderMissing(String key) {
        JudgmentKey.require(key);
        String shard = JudgmentKey.shard(key);
        return Files.exists(directory.resolve(SHARD_MARKERS).resolve(shard)) && !Files.isDirectory(directory.resolve(shard));
    }

    /** What went wrong with a file operation, in words, with the path when the exception names one. */
    static String why(IOException e) {
        return StoreFiles.why(e);
    }

    /**
     * Keeps judgments this store could not take, so that answers already paid for are not lost: each
     * is recorded into {@link #unsavedDirectory()} (a folder with the layout of a store), or, if that
     * fails too, into {@code autoj-unsaved} under the system's temporary folder. Returns the exception
     * to throw, which says what failed, where the judgments are and how to store them later; it
     * carries the judgments themselves as well, in case no folder could take them.
     *
     * @param failure the store's first failure, whose message says why and which path
     */
    public StoreWriteException keepUnsaved(List<StoredJudgment> unsaved, int batchSize, StoreException failure) {
        List<Path> candidates = List.of(unsavedDirectory, Path.of(System.getProperty("java.io.tmpdir"), "autoj-unsaved"));
        List<String> attempts = new ArrayList<>();
        for (Path candidate : candidates) {
            try {
                JudgmentStore fallback = JudgmentStore.open(candidate);
                for (StoredJudgment j : unsaved) {
                    fallback.record(j);
                }
                return new StoreWriteException(this, unsaved, batchSize, candidate.toAbsolutePath().normalize(), failure);
            } catch (StoreException e) {
                attempts.add(e.getMessage());
            }
        }
        StoreWriteException lost = new StoreWriteException(this, unsaved, batchSize, null, failure);
        attempts.forEach(a -> lost.addSuppressed(new StoreException(a)));
        return lost;
    }

    private static StoredJudgment sameOrConflict(String key, Path file, StoredJudgment existing, StoredJudgment offered) {
        if (existing.sameOutputAs(offered)) {
            return existing;
        }
        throw new StoreConflictException(key, file, existing, offered);
    }

    /** All judgment files ({@code ab/*.json}) in a stable order. */
    public List<Path> files() {
        try {
            return StoreFiles.shardFiles(directory, p -> true);
        } catch (IOException e) {
            throw new StoreException("Cannot list the judgment store " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The outcome of {@link #verify()}.
     *
     * @param checked judgment files checked
     * @param problems one line per bad file, naming it and what is wrong
     * @param leftoverTempFiles temporary files of writers that were killed mid-write (harmless, removable)
     */
    public record Verification(int checked, List<String> problems, List<Path> leftoverTempFiles) {
        public Verification {
            problems = List.copyOf(problems);
            leftoverTempFiles = List.copyOf(leftoverTempFiles);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Checks every file: it parses, its {@code key} field, its file name and its shard folder all
     * equal the key recomputed from its content, and a raw output parses to the stored result.
     */
    public Verification verify() {
        return StoreAudit.verify(this);
    }

    /**
     * The recorded judgment of the same model, protocol and language whose judged texts are nearest to
     * {@code judgedTexts} (named as a prompt names them: {@code query}, {@code response},
     * {@code response 1}, {@code response 2}): the fewest lines changed, for a replay miss to show which
     * judged text changed. Damaged files are passed over; the store is read once per instance.
     */
    public Optional<StoredJudgment> nearest(String modelId, Protocol protocol, Language language, Map<String, String> judgedTexts) {
        List<StoredJudgment> all = nearestIndex;
        if (all == null) {
            List<StoredJudgment> read = new ArrayList<>();
            for (Path file : files()) {
                try {
                    read.add(JudgmentCodec.read(file, Files.readAllBytes(file)));
                } catch (IOException | StoreException damaged) {
                    // verify reports it
                }
            }
            all = List.copyOf(read);
            nearestIndex = all;
        }
        return LineDiff.nearest(all.stream()
                        .filter(j -> j.modelId().equals(modelId) && j.protocol() == protocol && j.language() == language).toList(),
                j -> describeTexts(j.judgedTexts()), describeTexts(judgedTexts), (a, b) -> 0);
    }

    /** Judged texts as lines for a diff: a header line per text, then its lines. */
    static List<String> describeTexts(Map<String, String> texts) {
        List<String> lines = new ArrayList<>();
        texts.forEach((name, text) -> {
            lines.add("[" + name + "]");
            lines.addAll(text.lines().toList());
        });
        return lines;
    }

    /**
     * Counts of the store's content.
     *
     * @param judgments judgment files
     * @param byProtocol per protocol ({@code pairwise}, {@code single}, {@code scenario})
     * @param bySource per source ({@code live:remote}, {@code published:auto-j-testbed}, …)
     * @param byModel per model id
     * @param noVerdicts judgments whose result is a no-verdict
     * @param withoutRawOutput judgments that hold only a verdict label
     * @param bytes total size of the judgment files
     */
    public record Stats(int judgments, Map<String, Integer> byProtocol, Map<String, Integer> bySource,
                        Map<String, Integer> byModel, int noVerdicts, int withoutRawOutput, long bytes) {
        public Stats {
            byProtocol = Map.copyOf(byProtocol);
            bySource = Map.copyOf(bySource);
            byModel = Map.copyOf(byModel);
        }
    }

    /** Reads every judgment and counts it; a damaged file fails with its path. */
    public Stats stats() {
        return StoreAudit.stats(this);
    }

    /** The start of a text on one line, for messages. */
    static String preview(String text, int max) {
        return StoreFiles.preview(text, max);
    }
}
