package dev.autoj.engine.answers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.internal.LineDiff;
import dev.autoj.engine.internal.Sha256;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreException;
import dev.autoj.engine.store.StoreFiles;
import dev.autoj.engine.store.StoreJson;
import dev.autoj.engine.store.StoreUse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The recorded answers of the models under test, kept beside the judgments in the same store folder
 * but apart from them: {@code <store>/answers/ab/abcdef….json}, so that a reviewer sees new answers
 * and new judgments separately in a diff.
 *
 * <p>Each answer is one readable JSON document: the request (model, messages, parameters, sample),
 * the answer text, token usage when known, when it was recorded and from what. Its key is the
 * SHA-256 of the request's canonical form ({@link #canonicalDescription}); every text is escaped
 * there character by character, so no two requests share a key, lone surrogates included. Files are
 * written atomically and never overwritten; instances are thread-safe, and any number of processes
 * may record into one store.
 *
 * <pre>{@code
 * AnswerStore answers = AnswerStore.in(Path.of("src/test/resources/autoj-store"));
 * Optional<RecordedAnswer> hit = answers.find(AnswerStore.key(request));
 * }</pre>
 */
public final class AnswerStore {

    /** The subfolder of a store that holds answers. */
    public static final String FOLDER = "answers";
    /** The format tag written into every answer document. */
    public static final String FORMAT = "autoj-answer/1";

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Canonical form: sorted keys come from the tree built in order; every non-ASCII character escaped. */
    private static final ObjectWriter CANONICAL = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build().writer();
    private static final ObjectWriter PRETTY = StoreJson.PRETTY.with(new SurrogateEscapes());

    private final Path storeDirectory;
    private final Path directory;

    private AnswerStore(Path storeDirectory) {
        this.storeDirectory = storeDirectory;
        this.directory = storeDirectory.resolve(FOLDER);
    }

    /** The answers of the store in {@code storeDirectory} (they live in its {@value #FOLDER} subfolder); touches nothing on disk. */
    public static AnswerStore in(Path storeDirectory) {
        if (storeDirectory == null) {
            throw new IllegalArgumentException("the store directory must not be null");
        }
        if (Files.exists(storeDirectory) && !Files.isDirectory(storeDirectory)) {
            throw new StoreException("The store path " + storeDirectory + " is a file, not a directory; point the store at a folder.");
        }
        return new AnswerStore(storeDirectory);
    }

    /** The store folder (the judgments' folder; answers are in its {@value #FOLDER} subfolder). */
    public Path storeDirectory() {
        return storeDirectory;
    }

    /** The answers' folder, {@code <store>/answers}. */
    public Path directory() {
        return directory;
    }

    /** The key of a request: lower-case hex SHA-256 of {@link #canonicalDescription}. */
    public static String key(AnswerRequest request) {
        return Sha256.hex(canonicalDescription(request).getBytes(StandardCharsets.US_ASCII));
    }

    /** What the key is the hash of: the request as one line of ASCII JSON, every other character escaped. */
    public static String canonicalDescription(AnswerRequest request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "autoj-answer-key/1");
        root.put("model", request.model());
        root.put("sample", request.sample());
        root.set("messages", messages(request));
        root.set("parameters", parameters(request));
        try {
            return CANONICAL.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the canonical form of a request: " + e.getMessage(), e);
        }
    }

    /** Where the answer with {@code key} lives, relative to the store: {@code answers/ab/abcdef….json}. */
    public static String relativeFile(String key) {
        return FOLDER + "/" + key.substring(0, 2) + "/" + key + ".json";
    }

    /** The file of a key (it may not exist). */
    public Path file(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("an answer key is 64 lower-case hex digits, got '" + key + "'");
        }
        return directory.resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /**
     * The answer recorded under {@code key}, if any, marked {@link RecordedAnswer.Served#REPLAYED}.
     *
     * @throws StoreException naming the file when it exists but cannot be read as an answer, or is a folder
     */
    public Optional<RecordedAnswer> find(String key) {
        Path file = file(key);
        if (Files.isDirectory(file)) {
            throw new StoreException("A folder is in the way of the answer file " + file + "; move it aside (nothing else in the store is affected).");
        }
        byte[] bytes;
        try {
            bytes = StoreFiles.readIfPresent(file);
        } catch (IOException e) {
            throw new StoreException("Cannot read the answer file " + file + ": " + StoreFiles.why(e), e);
        }
        if (bytes == null) {
            return Optional.empty();
        }
        RecordedAnswer answer = parse(file, bytes);
        if (!answer.key().equals(key)) {
            throw new StoreException("The answer file " + file + " holds the answer of another request (its content hashes to "
                    + answer.key() + "); restore it from version control, or delete it and record again.");
        }
        StoreUse.answerUsed(key);
        return Optional.of(answer);
    }

    /**
     * Records an answer and returns what the store now holds for its key: the given one when this call
     * wrote the file, or the one another writer placed first (whose text wins, so every test sees one text).
     *
     * @throws StoreException naming the path when the file cannot be written
     */
    public RecordedAnswer record(RecordedAnswer answer) {
        Path file = file(answer.key());
        Optional<RecordedAnswer> existing = find(answer.key());
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            Files.createDirectories(file.getParent());
            if (StoreFiles.placeNew(file, toJson(answer), true)) {
                StoreUse.answerUsed(answer.key());
                return answer;
            }
        } catch (IOException e) {
            throw new StoreException("Cannot write the answer file " + file + ": " + StoreFiles.why(e), e);
        }
        return find(answer.key()).map(a -> a.servedAs(RecordedAnswer.Served.REPLAYED)).orElseThrow(() -> new StoreException(
                "The answer file " + file + " vanished while recording; is another process deleting the store?"));
    }

    /** All answer files ({@code answers/ab/*.json}) in a stable order. */
    public List<Path> files() {
        try {
            return StoreFiles.shardFiles(directory, Files::isRegularFile);
        } catch (IOException e) {
            throw new StoreException("Cannot list the answer store " + directory + ": " + StoreFiles.why(e), e);
        }
    }

    /** Reads one answer file; a damaged one fails naming it. */
    public RecordedAnswer read(Path file) {
        try {
            return parse(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new StoreException("Cannot read the answer file " + file + ": " + StoreFiles.why(e), e);
        }
    }

    /**
     * Checks every answer file: it parses, its {@code key} field, file name and shard folder equal the
     * key recomputed from its request; stray files and leftover temporary files are listed.
     */
    public JudgmentStore.Verification verify() {
        List<String> problems = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        try {
            for (Path p : StoreFiles.tree(directory)) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && name.endsWith(".tmp")) {
                    temps.add(p);
                } else if (Files.isRegularFile(p) && !name.endsWith(".json")) {
                    problems.add(p + ": not an answer file (expected answers/ab/<64 hex digits>.json)");
                } else if (Files.isDirectory(p) && p.getParent().equals(directory) && !StoreFiles.isShard(name)) {
                    problems.add(p + ": not a shard folder of the answer store");
                }
            }
        } catch (IOException e) {
            throw new StoreException("Cannot list the answer store " + directory + ": " + StoreFiles.why(e), e);
        }
        List<Path> files = files();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String fileKey = name.substring(0, name.length() - ".json".length());
            try {
                RecordedAnswer a = read(file);
                if (!KEY.matcher(fileKey).matches()) {
                    problems.add(file + ": the file name is not a key (64 lower-case hex digits + .json)");
                } else if (!a.key().equals(fileKey)) {
                    problems.add(file + ": its request hashes to key " + a.key() + ", not to its file name (was it edited by hand?)");
                } else if (!file.getParent().getFileName().toString().equals(fileKey.substring(0, 2))) {
                    problems.add(file + ": it sits in shard folder " + file.getParent().getFileName() + " but its key starts with "
                            + fileKey.substring(0, 2));
                }
            } catch (StoreException e) {
                // "<file>: <why>", as the judgment store lists its bad files
                problems.add(file + ": " + e.getMessage());
            }
        }
        return new JudgmentStore.Verification(files.size(), problems, temps);
    }

    /**
     * The recorded request of the same model nearest to {@code request}: the fewest lines changed
     * between their {@link AnswerRequest#describeLines() descriptions}, the most recent on a tie.
     * Damaged files are passed over.
     */
    public Optional<RecordedAnswer> nearest(AnswerRequest request) {
        List<RecordedAnswer> sameModel = new ArrayList<>();
        for (Path file : files()) {
            try {
                RecordedAnswer candidate = read(file);
                if (candidate.request().model().equals(request.model())) {
                    sameModel.add(candidate);
                }
            } catch (StoreException damaged) {
                // verify reports it
            }
        }
        return LineDiff.nearest(sameModel, candidate -> candidate.request().describeLines(), request.describeLines(),
                Comparator.comparing(RecordedAnswer::recordedAt));
    }

    /** The models that have answers in this store, for a miss with no recording of its model. */
    public List<String> models() {
        TreeMap<String, Integer> models = new TreeMap<>();
        for (Path file : files()) {
            try {
                models.merge(read(file).request().model(), 1, Integer::sum);
            } catch (StoreException damaged) {
                // verify reports it
            }
        }
        return List.copyOf(models.keySet());
    }

    // ---- JSON form -------------------------------------------------------------------------------

    private static ArrayNode messages(AnswerRequest request) {
        ArrayNode messages = JSON.createArrayNode();
        for (AnswerRequest.Message m : request.messages()) {
            ObjectNode node = messages.addObject();
            node.put("role", m.role());
            node.put("text", m.text());
            if (!m.attributes().isEmpty()) {
                ObjectNode attributes = node.putObject("attributes");
                m.attributes().forEach(attributes::put);
            }
        }
        return messages;
    }

    private static ObjectNode parameters(AnswerRequest request) {
        ObjectNode parameters = JSON.createObjectNode();
        request.parameters().forEach((name, value) -> parameters.set(name, sorted(value)));
        return parameters;
    }

    /** A JSON value with every object's fields in name order, so that the canonical form does not depend on insertion order. */
    private static JsonNode sorted(JsonNode value) {
        if (value.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            value.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
            fields.forEach((k, v) -> out.set(k, sorted(v)));
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            value.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    static byte[] toJson(RecordedAnswer a) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("key", a.key());
        root.put("model", a.request().model());
        root.put("sample", a.request().sample());
        ObjectNode request = root.putObject("request");
        request.set("messages", messages(a.request()));
        request.set("parameters", parameters(a.request()));
        ObjectNode answer = root.putObject("answer");
        answer.put("text", a.answer().text());
        if (a.answer().finishReason() != null) {
            answer.put("finish_reason", a.answer().finishReason());
        }
        if (a.answer().inputTokens() != null || a.answer().outputTokens() != null) {
            ObjectNode usage = answer.putObject("usage");
            if (a.answer().inputTokens() != null) {
                usage.put("input_tokens", a.answer().inputTokens());
            }
            if (a.answer().outputTokens() != null) {
                usage.put("output_tokens", a.answer().outputTokens());
            }
        }
        if (!a.answer().attributes().isEmpty()) {
            ObjectNode attributes = answer.putObject("attributes");
            a.answer().attributes().forEach(attributes::put);
        }
        root.put("source", a.source());
        root.put("recorded_at", a.recordedAt().toString());
        try {
            return (PRETTY.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot serialise the answer with key " + a.key() + ": " + e.getMessage(), e);
        }
    }

    private static RecordedAnswer parse(Path file, byte[] bytes) {
        try {
            JsonNode root = StoreJson.document(bytes, FORMAT);
            JsonNode requestNode = StoreJson.required(root, "request");
            List<AnswerRequest.Message> messages = new ArrayList<>();
            for (JsonNode m : StoreJson.required(requestNode, "messages")) {
                TreeMap<String, String> attributes = new TreeMap<>();
                m.path("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
                messages.add(new AnswerRequest.Message(StoreJson.text(m, "role"), StoreJson.text(m, "text"), attributes));
            }
            TreeMap<String, JsonNode> parameters = new TreeMap<>();
            StoreJson.required(requestNode, "parameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue()));
            AnswerRequest request = new AnswerRequest(StoreJson.text(root, "model"), messages, parameters, StoreJson.required(root, "sample").intValue());
            JsonNode answerNode = StoreJson.required(root, "answer");
            JsonNode usage = answerNode.path("usage");
            TreeMap<String, String> attributes = new TreeMap<>();
            answerNode.path("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
            Answer answer = new Answer(StoreJson.text(answerNode, "text"),
                    usage.hasNonNull("input_tokens") ? usage.get("input_tokens").intValue() : null,
                    usage.hasNonNull("output_tokens") ? usage.get("output_tokens").intValue() : null,
                    answerNode.hasNonNull("finish_reason") ? answerNode.get("finish_reason").asText() : null,
                    attributes);
            return new RecordedAnswer(key(request), request, answer, StoreJson.text(root, "source"), Instant.parse(StoreJson.text(root, "recorded_at")),
                    RecordedAnswer.Served.REPLAYED);
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            String reason = StoreJson.damage(e);
            throw new StoreException("Damaged answer file " + file + ": " + reason
                    + ". Restore it from version control, or delete it and record the answer again"
                    + " (`store verify --store <store folder>` lists every bad file).", e);
        }
    }



    /**
     * Writes every UTF-16 surrogate as a {@code \\uXXXX} escape, so that a lone surrogate in a
     * request or an answer is stored exactly (UTF-8 cannot hold it) and reads back as the same text.
     */
    private static final class SurrogateEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch >= 0xD800 && ch <= 0xDFFF) {
                return new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
