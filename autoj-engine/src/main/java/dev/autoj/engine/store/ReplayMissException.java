package dev.autoj.engine.store;

import java.nio.file.Path;

/**
 * Replay mode needed a judgment that the store does not hold. The message names the key, shows the
 * start of the prompt and says how to record it.
 */
public class ReplayMissException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ReplayMissException(String key, Path storeDirectory, String modelId, String prompt) {
        super("Replay miss: the judgment store " + storeDirectory + " holds no judgment with key " + key
                + " (model " + modelId + ", file " + JudgmentStore.relativeFile(key) + ")"
                + (java.nio.file.Files.isDirectory(storeDirectory) ? "" : "; the store directory does not exist")
                + ". Prompt: \"" + JudgmentStore.preview(prompt, 160) + "\". The judged texts, the model id or the token"
                + " budget changed since the store was recorded. Record it against a live judge, e.g."
                + " `mvn test -Dautoj.mode=record -Dautoj.store.dir=" + storeDirectory + " -Dautoj.model.name=" + modelId
                + " -Dautoj.endpoints=http://<judge-host>:8000`"
                + " or `java -jar autoj.jar judge --mode record --store " + storeDirectory + " --model-name " + modelId
                + " --endpoint http://<judge-host>:8000 --in requests.jsonl --out judgments.jsonl`,"
                + " then commit the new files.");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
