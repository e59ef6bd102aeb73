package dev.autoj.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.onnx.tokenizer.Tokenizer;

/**
 * What the two embedded back ends ({@link OnnxBackend}, {@link ExportedDecoderBackend}) are alike in:
 * the options they were opened with, the model folder's tokenizer, their name and the model id
 * they report (the folder's name). Each decodes and closes its own way.
 */
abstract class EmbeddedBackend implements Backend {

    final OnnxOptions options;
    /** The folder's {@code tokenizer.json}; null without one (then only token ids can be generated). */
    final Tokenizer tokenizer;

    EmbeddedBackend(OnnxOptions options, Tokenizer tokenizer) {
        this.options = options;
        this.tokenizer = tokenizer;
    }

    @Override
    public final String name() {
        return "onnx";
    }

    /** The model folder's name, e.g. {@code autoj-13b}. */
    @Override
    public final String modelId() {
        return options.modelDir().toAbsolutePath().normalize().getFileName().toString();
    }
}
