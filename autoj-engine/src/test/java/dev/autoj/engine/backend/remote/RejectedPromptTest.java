package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.CompletionsServer.completion;
import static dev.autoj.engine.backend.remote.CompletionsServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt the server refuses (HTTP 400: longer than its context window) fails that judgment only:
 * the batch's other judgments keep their verdicts, and the refusal is a no-verdict judgment with the
 * server's reason, never recorded in the store.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RejectedPromptTest {

    private static final String TOO_LONG = "{\"object\":\"error\",\"message\":\"This model's maximum context length is"
            + " 4096 tokens. However, you requested 6100 tokens.\",\"type\":\"BadRequestError\",\"code\":400}";

    @Test
    void aRejectedPromptIsANoVerdictJudgmentAndTheRestOfTheBatchKeepsItsVerdicts(@TempDir Path storeDir) throws Exception {
        try (CompletionsServer server = CompletionsServer.start(r -> r.body().contains("very long answer")
                ? json(400, TOO_LONG) : completion("The response is fine.\n\nRating: [[7]]", "stop", 300, 12));
             RemoteBackend backend = new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.base()))
                     .requestTimeout(Duration.ofSeconds(5)).build());
             Judge judge = Judges.builder().backend(backend).mode(StoreMode.RECORD)
                     .store(JudgmentStore.open(storeDir)).build()) {
            List<Judgment> judgments = judge.gradeAll(List.of(
                    new Judge.GradeRequest("q1", "short answer", Scenario.DEFAULT),
                    new Judge.GradeRequest("q2", "a very long answer", Scenario.DEFAULT),
                    new Judge.GradeRequest("q3", "another short answer", Scenario.DEFAULT)));

            assertThat(judgments).extracting(Judgment::isNoVerdict).containsExactly(false, true, false);
            assertThat(judgments.get(0).rating()).isEqualTo(7.0);
            assertThat(judgments.get(2).rating()).isEqualTo(7.0);
            assertThat(judgments.get(1).noVerdictReason())
                    .startsWith("the judge's server rejected this prompt")
                    .contains("HTTP 400", "maximum context length is 4096 tokens", "shorten the judged texts");
            assertThat(server.requests()).hasSize(3);
            assertThat(JudgmentStore.open(storeDir).stats().judgments()).isEqualTo(2);
        }
    }
}
