package dev.autoj.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.onnx.server.EngineServer;
import dev.autoj.onnx.tokenizer.Tokenizer;
import dev.autoj.onnx.tokenizer.TokenizerException;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded runtime that this module registers for the engine core: a model folder opened by
 * {@link OnnxBackend#openAny(OnnxOptions)}, with the settings the core knows about; and prompt token
 * counts from a {@code tokenizer.json} through {@link Tokenizer}; and the command that serves a model
 * folder from a JVM of its own ({@link EngineServer}), on this JVM's class path.
 */
public final class OnnxRuntimeProvider implements EmbeddedRuntime {

    @Override
    public Backend open(Model model) {
        OnnxOptions options = OnnxOptions.of(model.path()).withDevice(model.device()).withMaxNewTokens(model.maxNewTokens());
        if (model.dtype() != null) {
            options = options.withDtype(model.dtype());
        }
        if (model.cacheDir() != null) {
            options = options.withCacheDir(model.cacheDir());
        }
        return OnnxBackend.openAny(options);
    }

    /**
     * {@code <this JVM's java> dev.autoj.onnx.server.EngineServer --model … --port {port}}, with
     * {@code CLASSPATH} set to this JVM's class path ({@code java.class.path}: under Surefire the
     * test class path) and the folders or jars of autoj-onnx, ONNX Runtime and the tokenizer binding
     * when it does not hold them; nothing machine-specific is written anywhere but the run folder.
     */
    @Override
    public Optional<ServerLaunch> serverLaunch(Model model, String modelName) {
        List<String> arguments = new ArrayList<>();
        arguments.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        arguments.add(EngineServer.class.getName());
        arguments.addAll(List.of("--model", model.path().toAbsolutePath().normalize().toString()));
        arguments.addAll(List.of("--model-name", modelName));
        arguments.addAll(List.of("--device", model.device().name().toLowerCase(Locale.ROOT)));
        if (model.dtype() != null) {
            arguments.addAll(List.of("--dtype", model.dtype().name().toLowerCase(Locale.ROOT)));
        }
        if (model.cacheDir() != null) {
            arguments.addAll(List.of("--cache-dir", model.cacheDir().toAbsolutePath().normalize().toString()));
        }
        arguments.addAll(List.of("--host", "127.0.0.1", "--port", "{port}"));
        return Optional.of(new ServerLaunch(arguments, Map.of("CLASSPATH", classPath())));
    }

    /** This JVM's class path, with the locations of the classes the server needs added when it lacks them. */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        for (String name : List.of("dev.autoj.onnx.server.EngineServer", "dev.autoj.engine.backend.Backend",
                "ai.onnxruntime.OrtEnvironment", "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer",
                "com.fasterxml.jackson.databind.ObjectMapper")) {
            location(name).ifPresent(entries::add);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Optional<String> location(String className) {
        try {
            Class<?> type = Class.forName(className, false, OnnxRuntimeProvider.class.getClassLoader());
            return Optional.of(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath()
                    .normalize().toString());
        } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public TokenCounter tokenCounter(Path tokenizerJson) {
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.load(tokenizerJson);
        } catch (TokenizerException e) {
            throw new BackendException(e.getMessage(), e);
        }
        return new TokenizerCounter(tokenizer, tokenizerJson.toAbsolutePath().normalize());
    }

    /** Counts as the embedded engine encodes: BOS first, the whole text, never truncated. */
    private record TokenizerCounter(Tokenizer tokenizer, Path source) implements TokenCounter {
        @Override
        public int count(String prompt) {
            return tokenizer.encode(prompt).length;
        }

        @Override
        public void close() {
            tokenizer.close();
        }

        @Override
        public String describe() {
            return "the tokenizer " + source;
        }
    }
}
