package dev.autoj.engine.store;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Store records made from Auto-J-13B's published single-response judgments (real critique texts). */
final class PublishedJudgments {

    static final String MODEL = "GAIR/autoj-13b";

    private PublishedJudgments() {
    }

    static Path testbed() {
        return SharedFiles.testbed("critique_example_output.jsonl").getParent();
    }

    static List<AutoJTestbed.SingleItem> items() {
        return AutoJTestbed.single(testbed());
    }

    /** The published judgment of {@code item}, recorded under the budget {@code maxNewTokens}. */
    static StoredJudgment of(AutoJTestbed.SingleItem item, int maxNewTokens, Instant at) {
        return withOutput(item, item.output(), maxNewTokens, at);
    }

    /** {@code item}'s prompt with the output of another published judgment (for conflicts). */
    static StoredJudgment withOutput(AutoJTestbed.SingleItem item, String output, int maxNewTokens, Instant at) {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("query", item.query());
        request.put("response", item.response());
        request.put("scenario", item.scenario().id());
        return new StoredJudgment(MODEL, Protocol.SINGLE, Language.EN, maxNewTokens, request,
                PromptBuilder.single(Language.EN, item.query(), item.response()).text(), output, null,
                VerdictParser.parse(Protocol.SINGLE, Language.EN, output), "published:auto-j-testbed", null, -1, -1, at);
    }
}
