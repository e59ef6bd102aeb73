package dev.autoj.onnx.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A LLaMA-family tokenizer read from a Hugging Face {@code tokenizer.json}, through DJL's binding
 * of the Hugging Face {@code tokenizers} library (native code shipped inside the DJL jar; nothing
 * is downloaded).
 *
 * <pre>{@code
 * try (Tokenizer tokenizer = Tokenizer.load(Path.of("tokenizer.json"))) {
 *     int[] ids = tokenizer.encode("[INST] Hello world! [/INST]");   // 1, 518, 25580, ...
 *     String text = tokenizer.decode(ids);                            // "[INST] Hello world! [/INST]"
 * }
 * }</pre>
 *
 * <p>Encoding is what Auto-J's model saw: BOS first, SentencePiece's prefix space, and then the
 * whole text. It never truncates and never pads, however long the text (DJL truncates at 512
 * tokens unless told otherwise; this class turns that off and checks it on every call).
 *
 * <p>Control-token strings in the text ({@code <s>}, {@code </s>}, {@code <unk>}) are encoded as
 * the plain characters they are, exactly as SentencePiece does: the only control token an
 * encoding contains is the one BOS this class puts in front. A judged response can therefore
 * neither end the prompt early nor start a new one. {@code [INST]} is ordinary text to LLaMA-2
 * in any case.
 *
 * <p>Thread-safe: any number of threads may encode and decode at once. {@link #close()} waits for
 * calls in flight and makes later calls fail with {@link IllegalStateException}.
 *
 * <p>Loading sets two DJL system properties when they are not already set, because the defaults
 * do harm here: {@code RUST_FLAVOR=cpu} (on a CUDA machine DJL would otherwise try to download a
 * CUDA build of the tokenizer library, which tokenization does not need) and
 * {@code OPT_OUT_TRACKING=true} (no usage report to DJL's servers).
 */
public final class Tokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOS = "<s>";
    private static final String EOS = "</s>";

    private final HuggingFaceTokenizer delegate;
    private final Path source;
    private final int bosId;
    private final int eosId;
    private final int vocabSize;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Tokenizer(HuggingFaceTokenizer delegate, Path source, int bosId, int eosId, int vocabSize) {
        this.delegate = delegate;
        this.source = source;
        this.bosId = bosId;
        this.eosId = eosId;
        this.vocabSize = vocabSize;
    }

    /**
     * Reads a LLaMA-family {@code tokenizer.json} (with {@code <s>} and {@code </s>} among its
     * added tokens). A folder is accepted too and means the {@code tokenizer.json} inside it.
     *
     * @throws TokenizerException naming the file when it is missing, unreadable, not a tokenizer
     *     or not of the LLaMA family, or when the native library cannot be loaded
     */
    public static Tokenizer load(Path tokenizerJson) {
        Path given = Objects.requireNonNull(tokenizerJson, "tokenizerJson").toAbsolutePath().normalize();
        Path file = Files.isDirectory(given) ? given.resolve("tokenizer.json") : given;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("Tokenizer file " + file + " does not exist. Pass the path of the model's "
                    + "tokenizer.json (for Auto-J, the LLaMA-2 tokenizer.json).", e);
        } catch (IOException e) {
            throw new TokenizerException("Cannot read tokenizer file " + file + ": " + e + ". Check that it is a "
                    + "readable file.", e);
        }
        ObjectNode root = parse(file, bytes);
        Map<String, Integer> specials = removeSpecialAddedTokens(file, root);
        Integer bos = specials.get(BOS);
        Integer eos = specials.get(EOS);
        if (bos == null || eos == null) {
            throw new TokenizerException("Tokenizer file " + file + " has no special tokens " + BOS + " and " + EOS
                    + " among its added_tokens; only LLaMA-family tokenizers (LLaMA-2, Mistral) are supported.");
        }
        int vocabSize = vocabSize(file, root, specials);
        HuggingFaceTokenizer delegate = open(file, root);
        return new Tokenizer(delegate, file, bos, eos, vocabSize);
    }

    /** BOS followed by the ids of {@code text}; never truncated, never padded. */
    public int[] encode(String text) {
        int[] body = encodeWithoutBos(text);
        int[] ids = new int[body.length + 1];
        ids[0] = bosId;
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /** The ids of {@code text} without BOS (SentencePiece's prefix space still added); never truncated. */
    public int[] encodeWithoutBos(String text) {
        checkEncodable(text);
        long[] ids;
        lock.readLock().lock();
        try {
            ensureOpen();
            Encoding encoding = delegate.encode(text, false, false);
            if (encoding.exceedMaxLength()) {
                throw new IllegalStateException("The tokenizer truncated a text of " + text.length()
                        + " characters; truncation must be off. This is a bug in autoj's tokenizer set-up.");
            }
            ids = encoding.getIds();
        } finally {
            lock.readLock().unlock();
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /**
     * The text of {@code ids}, leaving out BOS and EOS and SentencePiece's prefix space.
     *
     * @throws IllegalArgumentException for an id outside {@code 0 .. vocabSize()-1}
     */
    public String decode(int[] ids) {
        long[] kept = new long[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("Token id " + id + " at position " + i + " is outside the vocabulary "
                        + "(0.." + (vocabSize - 1) + ") of " + source + "; were the ids produced by another tokenizer?");
            }
            if (id != bosId && id != eosId) {
                kept[n++] = id;
            }
        }
        long[] body = Arrays.copyOf(kept, n);
        lock.readLock().lock();
        try {
            ensureOpen();
            return delegate.decode(body, false);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The id of {@code <s>}, put in front of every encoding (1 for LLaMA-2). */
    public int bosId() {
        return bosId;
    }

    /** The id of {@code </s>}, which ends a generation (2 for LLaMA-2). */
    public int eosId() {
        return eosId;
    }

    /** The number of token ids (32000 for LLaMA-2). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Frees the native tokenizer once calls in flight have finished; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                delegate.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The tokenizer of " + source + " is closed; load it again to keep using it.");
        }
    }

    /** Java strings may hold unpaired surrogates, which have no UTF-8 form; say so instead of guessing. */
    private static void checkEncodable(String text) {
        Objects.requireNonNull(text, "The text to encode is null; pass \"\" for an empty text.");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "The text has an unpaired UTF-16 surrogate U+%04X at index %d, which no tokenizer can encode; "
                                + "repair the text (e.g. replace it with U+FFFD) before judging it.", (int) c, i));
            }
        }
    }

    private static ObjectNode parse(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new TokenizerException("Tokenizer file " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + "); the file is probably truncated or not a "
                    + "tokenizer.json. Copy it again from the model's files.", e);
        } catch (IOException e) {
            throw new TokenizerException("Cannot read tokenizer file " + file + ": " + e, e);
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new TokenizerException("Tokenizer file " + file + " is JSON but not a Hugging Face tokenizer.json "
                    + "(it has no \"model\" object). Pass the model's tokenizer.json, not its config.json or "
                    + "tokenizer_config.json.");
        }
        return (ObjectNode) root;
    }

    /**
     * Takes the special tokens out of {@code added_tokens}, returning their ids by content. The
     * Hugging Face library matches added tokens inside the input text before anything else, so
     * {@code "</s>"} written in a judged response would become the EOS id; without them the text
     * goes to the BPE model like any other characters, as with SentencePiece. BOS is added here.
     */
    private static Map<String, Integer> removeSpecialAddedTokens(Path file, ObjectNode root) {
        Map<String, Integer> specials = new HashMap<>();
        JsonNode added = root.get("added_tokens");
        if (added == null || added.isNull()) {
            return specials;
        }
        if (!added.isArray()) {
            throw new TokenizerException("Tokenizer file " + file + " has an \"added_tokens\" that is not a list; "
                    + "the file is not a valid tokenizer.json.");
        }
        for (Iterator<JsonNode> it = ((ArrayNode) added).elements(); it.hasNext(); ) {
            JsonNode token = it.next();
            if (token.path("special").asBoolean(false)) {
                if (!token.path("id").canConvertToInt() || !token.path("content").isTextual()) {
                    throw new TokenizerException("Tokenizer file " + file + " has a special added token without an "
                            + "integer \"id\" and a \"content\": " + token);
                }
                specials.put(token.get("content").asText(), token.get("id").asInt());
                it.remove();
            }
        }
        return specials;
    }

    private static int vocabSize(Path file, ObjectNode root, Map<String, Integer> specials) {
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new TokenizerException("Tokenizer file " + file + " has no model vocabulary (\"model\".\"vocab\"); "
                    + "only BPE tokenizers of the LLaMA family are supported.");
        }
        int max = -1;
        for (JsonNode id : vocab) {
            max = Math.max(max, id.asInt());
        }
        for (JsonNode token : root.path("added_tokens")) {
            max = Math.max(max, token.path("id").asInt());
        }
        for (int id : specials.values()) {
            max = Math.max(max, id);
        }
        return max + 1;
    }

    private static HuggingFaceTokenizer open(Path file, ObjectNode root) {
        setDefault("RUST_FLAVOR", "cpu");
        setDefault("OPT_OUT_TRACKING", "true");
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "withOverflowingTokens", "false",
                "truncation", "false",
                "padding", "false");
        HuggingFaceTokenizer tokenizer;
        try {
            byte[] json = JSON.writeValueAsBytes(root);
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
        } catch (IOException e) {
            throw new TokenizerException("Cannot prepare tokenizer file " + file + ": " + e, e);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new TokenizerException("The Hugging Face tokenizers library refused " + file + " (" + e.getMessage()
                    + "). Check that the file is the model's tokenizer.json and that this platform ("
                    + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + ") is one DJL ships "
                    + "native code for (Linux x86-64/aarch64, macOS aarch64, Windows x86-64).", e);
        }
        if (!"DO_NOT_TRUNCATE".equals(tokenizer.getTruncation()) || !"DO_NOT_PAD".equals(tokenizer.getPadding())) {
            tokenizer.close();
            throw new IllegalStateException("DJL kept truncation " + tokenizer.getTruncation() + " / padding "
                    + tokenizer.getPadding() + " although both were turned off; this DJL version is not supported.");
        }
        return tokenizer;
    }

    private static void setDefault(String key, String value) {
        if (System.getenv(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
