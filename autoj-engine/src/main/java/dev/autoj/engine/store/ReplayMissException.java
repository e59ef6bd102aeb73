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
        super(JudgmentStore.open(storeDirectory).shardFolderMissing(key)
                ? "Replay miss: the shard folder " + storeDirectory.resolve(key.substring(0, 2)) + " of key " + key + " (model "
                        + modelId + ", file " + JudgmentStore.relativeFile(key) + ") is missing from the judgment store,"
                        + " although the store recorded judgments there (" + JudgmentStore.SHARD_MARKERS + "/" + key.substring(0, 2)
                        + " exists): the folder was deleted or not committed, the judged texts need not have changed. Restore"
                        + " it from version control (e.g. `git checkout -- " + storeDirectory.resolve(key.substring(0, 2)) + "`;"
                        + " `store verify --store " + storeDirectory + "` lists every missing shard). Prompt: \""
                        + JudgmentStore.preview(prompt, 160) + "\"."
                : "Replay miss: the judgment store " + storeDirectory + " holds no judgment with key " + key
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

    /**
     * A miss with the judged texts it was asked for: the message also shows, as a unified diff, how
     * they differ from the nearest recorded judgment of the same model, protocol and language.
     */
    public ReplayMissException(String key, JudgmentStore store, String modelId, dev.autoj.engine.protocol.Prompt prompt) {
        this(key, new ReplayMissException(key, store.directory(), modelId, prompt.text()).getMessage() + nearest(store, modelId, prompt));
    }

    private static String nearest(JudgmentStore store, String modelId, dev.autoj.engine.protocol.Prompt prompt) {
        if (prompt.judgedTexts().isEmpty()) {
            return "";
        }
        try {
            return store.nearest(modelId, prompt.protocol(), prompt.language(), prompt.judgedTexts())
                    .map(n -> "\nThe nearest recorded judgment of " + modelId + " (" + JudgmentStore.relativeFile(n.key()) + ", recorded "
                            + n.recordedAt() + " from " + n.source() + ") differs in its judged texts:\n"
                            + dev.autoj.engine.internal.LineDiff.unified("recorded " + JudgmentStore.relativeFile(n.key()),
                                    JudgmentStore.describeTexts(n.judgedTexts()), "requested now",
                                    JudgmentStore.describeTexts(prompt.judgedTexts())))
                    .orElse("\nThe store holds no judgment of " + modelId + " with this protocol and language to compare with.");
        } catch (StoreException unreadable) {
            return "";
        }
    }

    /** For misses of other stored things (the answers of a model under test), with their own message. */
    protected ReplayMissException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
