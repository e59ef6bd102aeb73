package dev.autoj.engine.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxBackendTest {

    @TempDir
    Path temp;

    private OnnxBackend open(TinyLlama model, OnnxOptions.Dtype dtype) {
        return OnnxBackend.open(OnnxOptions.of(model.dir).withDtype(dtype).withCacheDir(temp.resolve("cache")));
    }

    private static double maxDifference(float[][] actual, double[][] expected) {
        double max = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                max = Math.max(max, Math.abs(actual[t][i] - expected[t][i]));
            }
        }
        return max;
    }

    @Test
    void fp32LogitsEqualTheReferenceForwardPass() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        int[] ids = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17};
        try (OnnxBackend backend = open(model, OnnxOptions.Dtype.FP32)) {
            double diff = maxDifference(backend.logitsOf(ids), model.referenceLogits(ids));
            System.out.println("max diff " + diff);
            assertThat(diff).isLessThan(1e-4);
        }
    }
}
