package dev.autoj.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.EmbeddedRuntime;

/**
 * The embedded runtime that this module registers for the engine core: a model folder opened by
 * {@link OnnxBackend#openAny(OnnxOptions)}, with the settings the core knows about.
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
}
