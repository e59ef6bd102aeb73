package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Requests.Request;
import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Our own criteria for the post summary, judged by Prometheus 2 against a custom rubric: a <b>record/live
 * example</b>. This project's store holds Auto-J's published judgments only; no Prometheus 2 output exists
 * here, and nothing in the store pretends to be one. So in the default replay run this test is aborted (a
 * JUnit assumption, the reason printed). To run it, serve {@code prometheus-eval/prometheus-7b-v2.0} with vLLM
 * and pass its address:
 *
 * <pre>
 * mvn verify -Dprometheus.endpoint=http://judge:8000      # records into target/prometheus-store
 * </pre>
 *
 * The rest of the run keeps replaying Auto-J; this one assertion is judged by Prometheus 2 through
 * {@code judgedBy(..)}.
 */
@AutoJ
class CustomRubricPromptTest {

    /** Our criteria, and what each score from 1 to 5 means for them. */
    static final Rubric KEEPS_THE_QUESTION = Rubric.of(
            "Does the summary keep the poster's actual question and the facts needed to answer it?",
            "The question is lost and the facts are wrong or missing.",
            "The question is only hinted at; key facts are missing.",
            "The question is there but vague, or an important fact is missing.",
            "The question and nearly all needed facts are there, with some padding.",
            "The question is stated plainly with every fact needed to answer it, and nothing else.");

    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    private final Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
    private final Request post = Requests.byId("post-summary");

    @Test
    void newSummaryKeepsThePostersQuestion() {
        String endpoint = System.getProperty("prometheus.endpoint");
        Assumptions.assumeTrue(endpoint != null, "record/live example: no Prometheus 2 output exists in this project"
                + " (its store holds Auto-J's published judgments only), so there is nothing to replay. Serve "
                + Prometheus.MODEL_7B + " with vLLM and run with -Dprometheus.endpoint=http://host:8000 to judge it.");
        try (Judge prometheus = JudgeSpec.builder()
                .endpoints(List.of(URI.create(endpoint)))
                .modelName(Prometheus.MODEL_7B)
                .mode(StoreMode.RECORD).storeDir(Path.of(System.getProperty("prometheus.store", "target/prometheus-store")))
                .build().open()) {
            assertThatResponse(next.answer(post.query())).forQuery(post.query()).judgedBy(prometheus)
                    .withRubric(KEEPS_THE_QUESTION)
                    .scoresAtLeast(4);
        }
    }
}
