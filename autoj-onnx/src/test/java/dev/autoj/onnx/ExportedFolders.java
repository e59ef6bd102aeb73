package dev.autoj.onnx;

import dev.autoj.onnx.internal.graph.ExportedGraphWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Export folders in Optimum's layout written from a {@link TinyLlama} checkpoint (for tests in other packages). */
public final class ExportedFolders {

    private ExportedFolders() {
    }

    /** The checkpoint's dimensions as the graph writer takes them. */
    static ExportedGraphWriter.Shape shape(TinyLlama model) {
        TinyLlama.Spec s = model.spec;
        return new ExportedGraphWriter.Shape(s.vocab(), s.hidden(), s.intermediate(), s.heads(), s.kvHeads(), s.layers(),
                s.ropeTheta(), s.rmsEps(), s.tied());
    }

    /**
     * {@code dir} as Optimum leaves it: {@code modelFile} with its external data
     * {@code modelFile + "_data"}, and the checkpoint's config.json (and tokenizer.json when it has one).
     */
    public static Path optimum(TinyLlama model, Path dir, String modelFile, ExportedGraphWriter.Naming naming)
            throws IOException {
        Files.createDirectories(dir);
        Files.copy(model.dir.resolve("config.json"), dir.resolve("config.json"));
        if (Files.isRegularFile(model.dir.resolve("tokenizer.json"))) {
            Files.copy(model.dir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        }
        ExportedGraphWriter.write(dir.resolve(modelFile), modelFile + "_data", shape(model), naming, model.weights,
                model.shapes);
        return dir;
    }
}
