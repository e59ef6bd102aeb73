package dev.autoj.engine.answers;

import dev.autoj.engine.internal.LineDiff;

import dev.autoj.engine.store.ReplayMissException;
import java.util.List;
import java.util.Optional;

/**
 * Replay mode needed an answer of the model under test that the store does not hold. The message
 * names the model, the store and the key, shows a unified diff between the request and the nearest
 * recorded request of the same model, and gives the command that records it.
 */
public final class AnswerMissException extends ReplayMissException {

    private static final long serialVersionUID = 1L;

    AnswerMissException(String key, AnswerStore store, AnswerRequest request) {
        super(key, message(key, store, request));
    }

    private static String message(String key, AnswerStore store, AnswerRequest request) {
        StringBuilder m = new StringBuilder();
        m.append("Replay miss: no recorded answer of model ").append(request.model()).append(" for this request in the store ")
                .append(store.storeDirectory()).append(" (key ").append(key).append(", file ").append(AnswerStore.relativeFile(key)).append(").");
        Optional<RecordedAnswer> nearest = store.nearest(request);
        if (nearest.isPresent()) {
            RecordedAnswer n = nearest.get();
            m.append(" The nearest recorded request of ").append(request.model()).append(" is ").append(AnswerStore.relativeFile(n.key()))
                    .append(" (recorded ").append(n.recordedAt()).append(" from ").append(n.source()).append("); what changed:\n")
                    .append(LineDiff.unified("recorded " + AnswerStore.relativeFile(n.key()), n.request().describeLines(),
                            "requested now", request.describeLines()))
                    .append("\n");
        } else {
            List<String> models = store.models();
            m.append(models.isEmpty() ? " The store holds no answers at all" + (java.nio.file.Files.isDirectory(store.directory()) ? "" : " (there is no "
                    + AnswerStore.FOLDER + " folder)") + "."
                    : " The store holds no answer of " + request.model() + "; it has answers of: " + String.join(", ", models) + ".");
        }
        m.append(m.charAt(m.length() - 1) == '\n' ? "" : " ").append("Record it: run the tests with -Dautoj.mode=record (or AUTOJ_MODE=record; add -Dautoj.endpoints=http://<judge-host>:8000"
                + " when judgments change too): the model under test is called once for each request the store lacks and its answer is"
                + " written under ").append(store.directory()).append("; then commit that folder.");
        return m.toString();
    }
}
