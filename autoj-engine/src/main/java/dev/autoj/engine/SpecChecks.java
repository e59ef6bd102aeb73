package dev.autoj.engine;

import dev.autoj.engine.JudgeSpec.BackendKind;
import dev.autoj.engine.JudgeSpec.InvalidSpecException;
import dev.autoj.engine.JudgeSpec.Naming;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link JudgeSpec}'s checks of settings that depend on one another: token counting and sampling. */
final class SpecChecks {

    private SpecChecks() {
    }

    static void counting(BackendKind backend, String modelName, StoreMode mode, Path tokenizer, int contextWindow,
            int maxNewTokens, Naming naming) {
        int familyWindow = JudgeFamilies.judging(modelName).defaultContextWindow();
        if (contextWindow <= maxNewTokens || contextWindow > Setting.CONTEXT_WINDOW.range().max()) {
            throw new InvalidSpecException(Setting.CONTEXT_WINDOW,
                    naming.name(Setting.CONTEXT_WINDOW) + " must be a whole number of tokens larger than "
                    + naming.name(Setting.MAX_NEW_TOKENS) + " (" + maxNewTokens + ") and at most " + Setting.CONTEXT_WINDOW.range().max()
                    + ", got " + contextWindow + " (" + JudgeFamilies.judging(modelName).name() + "'s window is " + familyWindow + ")");
        }
        if (backend == BackendKind.ONNX && (tokenizer != null || contextWindow != familyWindow)) {
            Setting given = tokenizer != null ? Setting.TOKENIZER : Setting.CONTEXT_WINDOW;
            throw new InvalidSpecException(given,
                    naming.name(given) + " applies to a remote judge; the embedded engine counts with the"
                    + " model folder's tokenizer.json and window (config.json) and refuses prompts that do not fit itself:"
                    + " remove " + naming.name(given) + ", or set " + naming.assign(Setting.BACKEND, "remote") + ".");
        }
        if (tokenizer != null && mode != StoreMode.REPLAY && !Files.isRegularFile(tokenizer)
                && !Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new InvalidSpecException(Setting.TOKENIZER, naming.name(Setting.TOKENIZER) + " = " + tokenizer + ": "
                    + (Files.isDirectory(tokenizer) ? "the folder has no tokenizer.json" : "there is no such file") + " (seen from "
                    + Path.of("").toAbsolutePath() + "); give the judge model's tokenizer.json (for Auto-J, LLaMA-2's), or a"
                    + " folder holding it.");
        }
    }

    /** Sampling is applied or refused aloud: only Prometheus 2's library sampling, only through a server. */
    static void sampling(BackendKind backend, String modelName, Sampling sampling, Naming naming) {
        if (sampling == null) {
            return;
        }
        String given = naming.assign(Setting.SAMPLING, SettingText.samplingName(sampling));
        if (backend == BackendKind.ONNX) {
            throw new InvalidSpecException(Setting.SAMPLING, given + ": the embedded engine decodes greedily only and cannot"
                    + " sample; judge through a server that can (vLLM: " + naming.assign(Setting.BACKEND, "remote") + "), or remove "
                    + naming.name(Setting.SAMPLING) + ".");
        }
        if (JudgeFamilies.judging(modelName) != JudgeFamilies.PROMETHEUS) {
            throw new InvalidSpecException(Setting.SAMPLING, given + " is the prometheus-eval library's sampling, for Prometheus 2;"
                    + " " + modelName + " is judged as Auto-J, which is decoded greedily as GAIR evaluated it: remove "
                    + naming.name(Setting.SAMPLING) + ", or set " + naming.assign(Setting.MODEL_NAME, "prometheus-eval/prometheus-7b-v2.0")
                    + ".");
        }
    }
}
