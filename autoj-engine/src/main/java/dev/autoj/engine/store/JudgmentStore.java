package dev.autoj.engine.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.VerdictParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    public static final String FORMAT = "autoj-judgment/1";

    /**
     * The folder of shard markers: an empty file {@code .shards/ab} is written when shard folder
     * {@code ab/} is first created, so that a shard folder lost later (deleted, not committed) is
     * reported as missing instead of looking like a judgment that was never recorded.
     */
    public static final String SHARD_MARKERS = ".shards";
    /** Where judgments go that the store could not take, relative to the working directory (see {@link #keepUnsaved}). */
    public static final Path DEFAULT_UNSAVED_DIRECTORY = Path.of("target", "autoj", "unsaved");

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    private static final String TEMP_SUFFIX = StoreFiles.TEMP_SUFFIX;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = StoreJson.PRETTY;

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

    /**
     * The key of a judgment: lower-case hex SHA-256 of the canonical description returned by
     * {@link #canonicalDescription}.
     */
    public static String key(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        requireKeyParts(modelId, protocol, language, prompt, maxNewTokens);
        // Hashes header and prompt in two parts rather than building the description: replay
        // computes a key per judgment, and the prompt is the bulk of it.
        byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header(modelId, protocol, language, maxNewTokens, promptBytes.length).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(promptBytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * What the key is the hash of: one line per setting, then the prompt's length in UTF-8 bytes and
     * the prompt itself, so that no two different requests can describe themselves the same way.
     */
    public static String canonicalDescription(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        requireKeyParts(modelId, protocol, language, prompt, maxNewTokens);
        return header(modelId, protocol, language, maxNewTokens, prompt.getBytes(StandardCharsets.UTF_8).length) + prompt;
    }

    private static String header(String modelId, Protocol protocol, Language language, int maxNewTokens, int promptBytes) {
        return "autoj judgment key v1\n"
                + "model: " + modelId + "\n"
                + "protocol: " + protocol.name().toLowerCase(Locale.ROOT) + "\n"
                + "language: " + language.name().toLowerCase(Locale.ROOT) + "\n"
                + "decoding: greedy, max_new_tokens=" + maxNewTokens + "\n"
                + "prompt: " + promptBytes + " bytes\n";
    }

    private static void requireKeyParts(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        if (modelId == null || modelId.isBlank() || modelId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the model id must be a non-blank single line, got '" + modelId + "'");
        }
        if (protocol == null || language == null || prompt == null) {
            throw new IllegalArgumentException("protocol, language and prompt must not be null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
    }

    /** Where the judgment with {@code key} lives, relative to the store: {@code ab/abcdef….json}. */
    public static String relativeFile(String key) {
        return key.substring(0, 2) + "/" + key + ".json";
    }

    /** The file of a key in this store (it may not exist). */
    public Path file(String key) {
        requireKey(key);
        return directory.resolve(key.substring(0, 2)).resolve(key + ".json");
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
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (e instanceof FileSystemException fs && fs.getReason() != null && fs.getReason().contains("Not a directory")) {
                // A file where the shard folder should be holds no judgment; recording there says what is in the way.
                return Optional.empty();
            }
            throw new StoreException("Cannot read the judgment file " + file + ": " + why(e), e);
        }
        StoredJudgment judgment = parse(file, bytes);
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
            if (StoreFiles.placeNew(file, toJson(key, judgment), hardLinks)) {
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
        requireKey(key);
        String shard = key.substring(0, 2);
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
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> shards = Files.list(directory)) {
            List<Path> files = new ArrayList<>();
            for (Path shard : shards.filter(Files::isDirectory).filter(d -> SHARD.matcher(d.getFileName().toString()).matches())
                    .sorted().toList()) {
                try (Stream<Path> inShard = Files.list(shard)) {
                    inShard.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
                }
            }
            return files;
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
        List<String> problems = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> all = Files.walk(directory, 2)) {
                for (Path p : all.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (p.getParent() != null && p.getParent().equals(directory.resolve(SHARD_MARKERS))) {
                        if (!Files.isDirectory(directory.resolve(name))) {
                            problems.add(directory.resolve(name) + ": the shard folder is missing, but " + SHARD_MARKERS + "/" + name
                                    + " shows judgments were recorded there; restore it from version control (or delete "
                                    + p + " if those judgments were removed on purpose)");
                        }
                    } else if (Files.isRegularFile(p) && name.endsWith(TEMP_SUFFIX)) {
                        temps.add(p);
                    } else if (Files.isRegularFile(p) && !name.equals(".lock") && !name.endsWith(".json")
                            && !p.getParent().equals(directory)) {
                        problems.add(p + ": not a judgment file (expected ab/<64 hex digits>.json)");
                    }
                }
            } catch (IOException e) {
                throw new StoreException("Cannot list the judgment store " + directory + ": " + e.getMessage(), e);
            }
        }
        List<Path> files = files();
        for (Path file : files) {
            String problem = check(file);
            if (problem != null) {
                problems.add(file + ": " + problem);
            }
        }
        return new Verification(files.size(), problems, temps);
    }

    private String check(Path file) {
        String name = file.getFileName().toString();
        String fileKey = name.substring(0, name.length() - ".json".length());
        if (!KEY.matcher(fileKey).matches()) {
            return "the file name is not a key (64 lower-case hex digits + .json)";
        }
        if (!file.getParent().getFileName().toString().equals(fileKey.substring(0, 2))) {
            return "it sits in shard folder " + file.getParent().getFileName() + " but its key starts with " + fileKey.substring(0, 2);
        }
        StoredJudgment judgment;
        String keyField;
        try {
            byte[] bytes = Files.readAllBytes(file);
            judgment = parse(file, bytes);
            keyField = JSON.readTree(bytes).path("key").asText(null);
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        } catch (StoreException e) {
            return e.getMessage();
        }
        String computed = judgment.key();
        if (!computed.equals(fileKey)) {
            return "its content hashes to key " + computed + ", not to its file name (was it edited by hand?)";
        }
        if (!fileKey.equals(keyField)) {
            return "its \"key\" field " + keyField + " differs from its file name";
        }
        if (judgment.rawOutput() != null && judgment.protocol() != Protocol.SCENARIO) {
            ParsedVerdict parsed = VerdictParser.parse(judgment.protocol(), judgment.language(), judgment.rawOutput(),
                    judgedTexts(judgment.request()));
            boolean cut = judgment.stopReason() == StopReason.REPETITION
                    || (judgment.stopReason() == StopReason.LENGTH && parsed.isNoVerdict());
            if (!cut && !StoredJudgment.sameResult(parsed, judgment.result())) {
                return "its raw output parses to " + describe(parsed) + " but its result says " + describe(judgment.result());
            }
        }
        return null;
    }

    /**
     * The judged texts of a recorded request, named as the prompt shows them, so that verify reads a
     * raw output as the judge did when it recorded it (skipping markers quoted from these texts).
     */
    static Map<String, String> judgedTexts(Map<String, String> request) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String field : List.of("query", "response", "response_1", "response_2")) {
            if (request.get(field) != null) {
                texts.put(field.replace('_', ' '), request.get(field));
            }
        }
        return texts;
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
                    read.add(parse(file, Files.readAllBytes(file)));
                } catch (IOException | StoreException damaged) {
                    // verify reports it
                }
            }
            all = List.copyOf(read);
            nearestIndex = all;
        }
        List<String> wanted = describeTexts(judgedTexts);
        StoredJudgment best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (StoredJudgment j : all) {
            if (!j.modelId().equals(modelId) || j.protocol() != protocol || j.language() != language) {
                continue;
            }
            int distance = dev.autoj.engine.internal.LineDiff.changedLines(describeTexts(judgedTexts(j.request())), wanted);
            if (distance < bestDistance) {
                best = j;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
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
        Map<String, Integer> byProtocol = new TreeMap<>();
        Map<String, Integer> bySource = new TreeMap<>();
        Map<String, Integer> byModel = new TreeMap<>();
        int total = 0;
        int noVerdicts = 0;
        int labelsOnly = 0;
        long bytes = 0;
        for (Path file : files()) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new StoreException("Cannot read the judgment file " + file + ": " + e.getMessage(), e);
            }
            StoredJudgment j = parse(file, content);
            total++;
            bytes += content.length;
            byProtocol.merge(j.protocol().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            bySource.merge(j.source(), 1, Integer::sum);
            byModel.merge(j.modelId(), 1, Integer::sum);
            if (j.result() != null && j.result().isNoVerdict()) {
                noVerdicts++;
            }
            if (j.rawOutput() == null) {
                labelsOnly++;
            }
        }
        return new Stats(total, byProtocol, bySource, byModel, noVerdicts, labelsOnly, bytes);
    }

    // ---- JSON form -------------------------------------------------------------------------------

    private static byte[] toJson(String key, StoredJudgment j) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("key", key);
        root.put("model", j.modelId());
        root.put("protocol", lower(j.protocol()));
        root.put("language", lower(j.language()));
        ObjectNode decoding = root.putObject("decoding");
        decoding.put("greedy", true);
        decoding.put("max_new_tokens", j.maxNewTokens());
        ObjectNode request = root.putObject("request");
        j.request().forEach(request::put);
        root.put("prompt", j.prompt());
        if (j.rawOutput() == null) {
            root.putNull("raw_output");
        } else {
            root.put("raw_output", j.rawOutput());
        }
        if (j.note() != null) {
            root.put("note", j.note());
        }
        if (j.result() == null) {
            root.putNull("result");
        } else {
            ObjectNode result = root.putObject("result");
            ParsedVerdict r = j.result();
            if (r.verdict() != null) {
                result.put("verdict", lower(r.verdict()));
            } else if (r.rating() != null) {
                result.put("rating", r.rating());
            } else {
                result.put("no_verdict", r.noVerdictReason());
            }
        }
        root.put("source", j.source());
        if (j.stopReason() == null) {
            root.putNull("stop_reason");
        } else {
            root.put("stop_reason", lower(j.stopReason()));
        }
        root.put("prompt_tokens", j.promptTokens());
        root.put("generated_tokens", j.generatedTokens());
        root.put("recorded_at", j.recordedAt().toString());
        try {
            String text = PRETTY.writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot serialise the judgment with key " + key + ": " + e.getMessage(), e);
        }
    }

    private static StoredJudgment parse(Path file, byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("it is not a JSON object");
            }
            String format = StoreJson.text(root, "format");
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("its format is '" + format + "', expected '" + FORMAT + "'");
            }
            JsonNode decoding = StoreJson.required(root, "decoding");
            Map<String, String> request = new LinkedHashMap<>();
            JsonNode requestNode = StoreJson.required(root, "request");
            if (!requestNode.isObject()) {
                throw new IllegalArgumentException("the field \"request\" is not an object");
            }
            for (Map.Entry<String, JsonNode> e : requestNode.properties()) {
                request.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
            }
            JsonNode raw = StoreJson.required(root, "raw_output");
            JsonNode stop = StoreJson.required(root, "stop_reason");
            return new StoredJudgment(
                    StoreJson.text(root, "model"),
                    Protocol.valueOf(StoreJson.text(root, "protocol").toUpperCase(Locale.ROOT)),
                    Language.valueOf(StoreJson.text(root, "language").toUpperCase(Locale.ROOT)),
                    StoreJson.required(decoding, "max_new_tokens").intValue(),
                    request,
                    StoreJson.text(root, "prompt"),
                    raw.isNull() ? null : raw.textValue(),
                    root.hasNonNull("note") ? root.get("note").asText() : null,
                    result(StoreJson.required(root, "result")),
                    StoreJson.text(root, "source"),
                    stop.isNull() ? null : StopReason.valueOf(stop.asText().toUpperCase(Locale.ROOT)),
                    StoreJson.required(root, "prompt_tokens").intValue(),
                    StoreJson.required(root, "generated_tokens").intValue(),
                    Instant.parse(StoreJson.text(root, "recorded_at")));
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            String reason = StoreJson.damage(e);
            throw new StoreException("Damaged judgment file " + file + ": " + reason
                    + ". Restore it from version control, or delete it and record the judgment again"
                    + " (`store verify --store " + file.getParent().getParent() + "` lists every bad file).", e);
        }
    }

    private static ParsedVerdict result(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.has("verdict")) {
            return ParsedVerdict.of(Verdict.valueOf(node.get("verdict").asText().toUpperCase(Locale.ROOT)));
        }
        if (node.has("rating")) {
            JsonNode rating = node.get("rating");
            if (!rating.isNumber()) {
                throw new IllegalArgumentException("its rating is not a number");
            }
            return ParsedVerdict.ofRating(rating.doubleValue());
        }
        if (node.has("no_verdict")) {
            return ParsedVerdict.noVerdict(node.get("no_verdict").asText());
        }
        throw new IllegalArgumentException("its result has none of verdict, rating, no_verdict");
    }



    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String describe(ParsedVerdict r) {
        if (r == null) {
            return "nothing";
        }
        if (r.verdict() != null) {
            return "verdict " + lower(r.verdict());
        }
        if (r.rating() != null) {
            return "rating " + r.rating();
        }
        return "no verdict";
    }

    private static void requireKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a judgment store key is 64 lower-case hex digits, got '" + key + "'");
        }
    }

    /** The start of a text on one line, for messages. */
    static String preview(String text, int max) {
        return StoreFiles.preview(text, max);
    }
}
