package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;
import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static dev.autoj.assertions.AutoJAssertions.assertThatResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.store.StoredJudgment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the judging pipeline with Prometheus 2's prompts and reader, against a loopback
 * OpenAI-compatible server whose answers <b>this test writes</b> (no Prometheus weights exist here, so none
 * of these outputs is Prometheus's, and the store they are recorded in is a temporary folder). It shows that
 * the pipeline sends Prometheus's byte-exact prompt (rubric and reference answer inside), reads
 * {@code [RESULT] 4} as the rating 4 on the 1–5 scale, keys the store by the rubric, and that the
 * assertions work on that scale: {@code scoresAtLeast(4)} passes, {@code scoresAtLeast(5)} fails,
 * {@code scoresAtLeast(7)} is refused before any request; and the no-tie meaning of {@code isAtLeastAsGoodAs}.
 */
class PrometheusPipelineOnLoopbackServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "Summarise the plot of Hamlet in one sentence.";
    private static final String ANSWER = "A Danish prince avenges his father's murder and dies doing it. BETTER";
    private static final String BASELINE = "It is a play by Shakespeare.";
    private static final String REFERENCE = "Prince Hamlet avenges his father's murder by his uncle Claudius, at the cost of his own life.";
    /** The test's rubric: criteria and five score descriptions. */
    private static final Rubric CONCISE = Rubric.of("Is the summary accurate and concise? RUBRIC-FOUR",
            "Wrong.", "Mostly wrong.", "Partly right.", "Right but wordy.", "Right and concise.");
    /** A second rubric, answered with a 2 by the test's server. */
    private static final Rubric STRICT = Rubric.of("Does the summary name every main character? RUBRIC-TWO",
            "None.", "One.", "Some.", "Most.", "All.");

    @TempDir
    Path temp;

    private HttpServer server;
    private URI endpoint;
    private final List<String> prompts = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private Judge judge;

    @BeforeEach
    void startServerAndJudge() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::answer);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        RemoteBackend backend = new RemoteBackend(RemoteConfig.builder().endpoints(List.of(endpoint))
                .modelName(Prometheus.MODEL_7B).maxTokens(1024).build());
        judge = Judges.builder().backend(backend).store(JudgmentStore.open(temp.resolve("store"))).mode(StoreMode.RECORD).build();
    }

    @AfterEach
    void stop() {
        judge.close();
        server.stop(0);
    }

    /**
     * The test's server: an output the test writes, chosen by what the prompt holds — 4 under the rubric
     * RUBRIC-FOUR, 2 under RUBRIC-TWO; in relative grading "A" when response A is the one marked BETTER, else
     * "B", or always "A" (a position-biased judge) under a rubric marked BIASED; under RUBRIC-UNREADABLE-ONCE, an
     * output without a score the first time a prompt is asked, 3 afterwards.
     */
    private void answer(HttpExchange exchange) throws IOException {
        byte[] body;
        int status = 200;
        if (!exchange.getRequestURI().getPath().endsWith("/completions")) {
            status = 404;
            body = "{}".getBytes(StandardCharsets.UTF_8);
        } else {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String prompt = request.path("prompt").asText();
            boolean askedBefore = prompts.contains(prompt);
            prompts.add(prompt);
            bodies.add(request);
            String output;
            if (prompt.contains("RUBRIC-UNREADABLE-ONCE")) {
                output = askedBefore ? "Written by the test. [RESULT] 3" : "Written by the test, with no score at the end.";
            } else if (prompt.contains("###Response A:")) {
                String a = prompt.substring(prompt.indexOf("###Response A:"), prompt.indexOf("###Response B:"));
                output = "Feedback: written by the test, not by Prometheus. [RESULT] "
                        + (prompt.contains("BIASED") || a.contains("BETTER") ? "A" : "B");
            } else {
                output = "Written by the test, not by Prometheus. [RESULT] " + (prompt.contains("RUBRIC-TWO") ? "2" : "4");
            }
            ObjectNode reply = JSON.createObjectNode();
            ObjectNode choice = reply.putArray("choices").addObject();
            choice.put("text", output);
            choice.put("finish_reason", "stop");
            reply.putObject("usage").put("prompt_tokens", 500).put("completion_tokens", 20);
            body = JSON.writeValueAsBytes(reply);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    @DisplayName("the judge is Prometheus 2's: its family, its byte-exact prompt with rubric and reference, [RESULT] 4 read as 4")
    void thePipelineSendsPrometheussPromptAndReadsTheScore() {
        Judgment j = judge.gradeAll(List.of(new Judge.GradeRequest(QUERY, ANSWER, null)
                .withRubric(CONCISE.text()).withReferenceAnswer(REFERENCE))).get(0);

        assertThat(judge.family()).isSameAs(JudgeFamilies.PROMETHEUS);
        assertThat(prompts).containsExactly(Prometheus.absolute(QUERY, ANSWER, CONCISE, REFERENCE).text());
        assertThat(j.protocol()).isEqualTo(Protocol.SINGLE);
        assertThat(j.rating()).isEqualTo(4.0);
        assertThat(j.modelId()).isEqualTo(Prometheus.MODEL_7B);
        assertThat(j.prompt().judgedTexts()).containsEntry("rubric", CONCISE.text()).containsEntry("reference answer", REFERENCE);
    }

    @Test
    @DisplayName("scoresAtLeast on the 1–5 scale: 4 passes, 5 fails with the score, 7 is refused before any request")
    void scoresAtLeastOnTheOneToFiveScale() {
        assertThatResponse(ANSWER).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE).withReferenceAnswer(REFERENCE)
                .scoresAtLeast(4);
        assertThatThrownBy(() -> assertThatResponse(ANSWER).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE)
                .withReferenceAnswer(REFERENCE).scoresAtLeast(5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("score at least 5");
        int sent = prompts.size();

        assertThatThrownBy(() -> assertThatResponse(ANSWER).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE).scoresAtLeast(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prometheus-eval/prometheus-7b-v2.0 (Prometheus 2) scores 1–5")
                .hasMessageContaining("7");
        assertThat(prompts).as("refused before the judge was asked").hasSize(sent);
    }

    @Test
    @DisplayName("the store is keyed by the rubric: two rubrics are two judgments, the same rubric again is a store hit")
    void theStoreIsKeyedByTheRubric() {
        Judge.GradeRequest concise = new Judge.GradeRequest(QUERY, ANSWER, null).withRubric(CONCISE.text());
        Judge.GradeRequest strict = concise.withRubric(STRICT.text());
        List<Judgment> first = judge.gradeAll(List.of(concise, strict));
        List<Judgment> again = judge.gradeAll(List.of(concise, strict));

        assertThat(first).extracting(Judgment::rating).containsExactly(4.0, 2.0);
        assertThat(prompts).as("each rubric asked once; the second call is answered by the store").hasSize(2);
        assertThat(again).extracting(Judgment::rating).containsExactly(4.0, 2.0);
        assertThat(again).allSatisfy(j -> assertThat(j.source()).startsWith("replay:"));
        JudgmentStore store = JudgmentStore.open(temp.resolve("store"));
        assertThat(store.files()).hasSize(2);
        StoredJudgment recorded = store.find(JudgmentStore.key(Prometheus.MODEL_7B, Protocol.SINGLE, dev.autoj.engine.Language.EN,
                first.get(1).prompt().text(), 1024)).orElseThrow();
        assertThat(recorded.request()).containsEntry("rubric", STRICT.text()).containsEntry("instruction", QUERY);
        assertThat(store.verify().problems()).as("store verify reads Prometheus records by Prometheus's reader").isEmpty();
    }

    @Test
    @DisplayName("isPreferredOver through relative grading: A/B read in both orders; a Rubric shows its criteria line")
    void isPreferredOverThroughRelativeGrading() {
        assertThatResponse(ANSWER).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE).isPreferredOver(BASELINE);

        assertThat(prompts).as("both orders, sent together (in any order)").containsExactlyInAnyOrder(
                Prometheus.relative(QUERY, ANSWER, BASELINE, CONCISE, null).text(),
                Prometheus.relative(QUERY, BASELINE, ANSWER, CONCISE, null).text());
        assertThatThrownBy(() -> assertThatResponse(BASELINE).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE)
                .isPreferredOver(ANSWER))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    @DisplayName("no tie in Prometheus 2: isAtLeastAsGoodAs passes when the response wins in at least one order")
    void isAtLeastAsGoodAsMeansWinningInAtLeastOneOrder() {
        String biased = "[Which summary is better? BIASED]";
        // The test's server answers A whatever it is shown: each response wins the order it is shown first in.
        Judgment original = judge.compareInGivenOrderAll(List.of(new Judge.CompareRequest(QUERY, BASELINE, ANSWER, null)
                .withRubric(biased))).get(0);
        assertThat(original.verdict()).isEqualTo(Verdict.RESPONSE_1);

        assertThatResponse(BASELINE).forQuery(QUERY).judgedBy(judge).withRubric(biased).isAtLeastAsGoodAs(ANSWER);
        assertThatThrownBy(() -> assertThatResponse(BASELINE).forQuery(QUERY).judgedBy(judge).withRubric(biased)
                .isPreferredOver(ANSWER))
                .isInstanceOf(AssertionError.class);
        // Beaten in both orders: not at least as good.
        assertThatThrownBy(() -> assertThatResponse(BASELINE).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE)
                .isAtLeastAsGoodAs(ANSWER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Prometheus 2 has no tie: winning in at least one order passes");
        // First order only: it must win the order it is shown first in.
        assertThatThrownBy(() -> assertThatResponse(BASELINE).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE)
                .withPositionPolicy(PositionPolicy.FIRST_ONLY).isAtLeastAsGoodAs(ANSWER))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    @DisplayName("sampling as the library does: temperature, top_p and repetition_penalty sent; an unreadable output asked again; its own key")
    void theLibrarysSamplingIsSentAndAnUnreadableOutputIsAskedAgain() {
        Judge.GradeRequest request = new Judge.GradeRequest(QUERY, ANSWER, null).withRubric("[Accurate? RUBRIC-UNREADABLE-ONCE]");
        Judgment sampled;
        try (Judge sampling = Judges.builder().backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(endpoint))
                        .modelName(Prometheus.MODEL_7B).maxTokens(1024).build()))
                .store(JudgmentStore.open(temp.resolve("store"))).mode(StoreMode.RECORD)
                .sampling(dev.autoj.engine.backend.Sampling.PROMETHEUS_LIBRARY).build()) {
            sampled = sampling.gradeAll(List.of(request)).get(0);
        }

        assertThat(sampled.rating()).as("the second answer, read").isEqualTo(3.0);
        assertThat(bodies).hasSize(2).allSatisfy(body -> {
            assertThat(body.path("temperature").doubleValue()).isEqualTo(1.0);
            assertThat(body.path("top_p").doubleValue()).isEqualTo(0.9);
            assertThat(body.path("repetition_penalty").doubleValue()).isEqualTo(1.03);
        });
        // The greedy judge of this test shares the store, but not the key: it asks the server itself, greedily.
        Judgment greedy = judge.gradeAll(List.of(request)).get(0);
        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(2).path("temperature").intValue()).isZero();
        assertThat(bodies.get(2).has("repetition_penalty")).isFalse();
        assertThat(greedy.rating()).isEqualTo(3.0);
        assertThat(JudgmentStore.open(temp.resolve("store")).files()).hasSize(2);
    }

    @Test
    @DisplayName("without a rubric Prometheus 2 refuses the request, naming the predefined rubrics, before any request")
    void aRequestWithoutARubricIsRefused() {
        assertThatThrownBy(() -> assertThatResponse(ANSWER).forQuery(QUERY).judgedBy(judge).scoresAtLeast(4))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("grade request 1 of 1 to prometheus-eval/prometheus-7b-v2.0 (Prometheus 2)")
                .hasMessageContaining("has none")
                .hasMessageContaining("helpfulness");
        assertThat(prompts).isEmpty();
    }

    // ---- set-level assertions: assertThatResponses(..) and assertThatCandidates(..) ----

    /** Five cases whose candidate the test's server prefers (it is marked BETTER); case 2 has a reference answer of its own. */
    private static List<PairedCase> cases() {
        List<PairedCase> cases = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            PairedCase c = PairedCase.of(QUERY + " (" + i + ")", ANSWER + " " + i, BASELINE + " " + i).withId("case-" + i);
            cases.add(i == 2 ? c.withReferenceAnswer("Case two's own reference.") : c);
        }
        return cases;
    }

    @Test
    @DisplayName("assertThatResponses(..) with a rubric and one reference: every sample graded 1–5 by Prometheus's prompt; 7 refused first")
    void samplesAreGradedAgainstTheRubricAndTheReference() {
        List<String> samples = List.of(ANSWER, ANSWER + " Again.");
        assertThatResponses(samples).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE).withReferenceAnswer(REFERENCE)
                .scoresAtLeast(4).inAll();

        assertThat(prompts).containsExactlyInAnyOrder(Prometheus.absolute(QUERY, samples.get(0), CONCISE, REFERENCE).text(),
                Prometheus.absolute(QUERY, samples.get(1), CONCISE, REFERENCE).text());
        assertThatThrownBy(() -> assertThatResponses(samples).forQuery(QUERY).judgedBy(judge).withRubric(STRICT)
                .scoresAtLeast(3).inAll())
                .as("the server answers 2 under STRICT").isInstanceOf(AssertionError.class);
        int sent = prompts.size();
        assertThatThrownBy(() -> assertThatResponses(samples).forQuery(QUERY).judgedBy(judge).withRubric(CONCISE).scoresAtLeast(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scoresAtLeast(..): the minimum rating 7 is off the judge's scale")
                .hasMessageContaining("prometheus-eval/prometheus-7b-v2.0 (Prometheus 2) scores 1–5");
        assertThatThrownBy(() -> assertThatResponses(samples).forQuery(QUERY).judgedBy(judge).scoresBetween(1, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum rating 6");
        assertThat(prompts).as("refused before the judge was asked").hasSize(sent);
    }

    @Test
    @DisplayName("assertThatResponses(..) without a rubric is refused for Prometheus 2, naming withRubric, before any request")
    void samplesWithoutARubricAreRefused() {
        assertThatThrownBy(() -> assertThatResponses(List.of(ANSWER, BASELINE)).forQuery(QUERY).judgedBy(judge).scoresAtLeast(4))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("scoresAtLeast(): sample 1 of 2 cannot be judged by prometheus-eval/prometheus-7b-v2.0"
                        + " (Prometheus 2), so nothing was judged")
                .hasMessageContaining("withRubric(..)")
                .hasMessageContaining("helpfulness");
        assertThat(prompts).isEmpty();
    }

    @Test
    @DisplayName("assertThatCandidates(..) with a rubric: relative grading of every case in both orders, a case's own reference, the set's for the rest")
    void aSetIsDecidedAgainstTheRubricWithEachCasesReference() {
        List<PairedCase> cases = cases();
        String setReference = "The set's reference.";
        CandidatesAssert decided = assertThatCandidates(cases).judgedBy(judge).withRubric(CONCISE)
                .withReferenceAnswer(setReference).isPreferredOverBaseline();

        assertThat(decided.result().counts().wins()).isEqualTo(5);
        List<String> expected = new ArrayList<>();
        for (PairedCase c : cases) {
            String reference = c.referenceAnswer() != null ? c.referenceAnswer() : setReference;
            expected.add(Prometheus.relative(c.query(), c.candidate(), c.baseline(), CONCISE, reference).text());
            expected.add(Prometheus.relative(c.query(), c.baseline(), c.candidate(), CONCISE, reference).text());
        }
        assertThat(prompts).as("both orders of every case, each with its reference answer").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(prompts).filteredOn(p -> p.contains("Case two's own reference.")).hasSize(2);
    }

    @Test
    @DisplayName("assertThatCandidates(..) without a rubric is refused for Prometheus 2 before any case is judged")
    void aSetWithoutARubricIsRefused() {
        assertThatThrownBy(() -> assertThatCandidates(cases()).judgedBy(judge).sequentially(0.7).inChunksOf(1).isPreferredOverBaseline())
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("isPreferredOverBaseline(): case case-1 of 5 cannot be judged by prometheus-eval/prometheus-7b-v2.0")
                .hasMessageContaining("withRubric(..)");
        assertThatThrownBy(() -> assertThatCandidates(cases().stream().map(c -> c.withReferenceAnswer("own")).toList())
                .judgedBy(judge).withRubric(CONCISE).withReferenceAnswer("the set's").isNotWorseThanBaseline(0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every case has its own reference answer, so the one given with withReferenceAnswer(..) would apply to none");
        assertThat(prompts).isEmpty();
    }

    @Test
    @DisplayName("Auto-J refuses a set's rubric, and a reference answer in any case (also one a sequential test would reach last), before any request")
    void autoJRefusesASetsRubricAndReferenceAnswers() {
        try (Judge autoj = Judges.builder().backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(endpoint))
                        .modelName(AutoJ.MODEL_13B).maxTokens(1024).build()))
                .store(JudgmentStore.open(temp.resolve("autoj-store"))).mode(StoreMode.RECORD).build()) {
            List<PairedCase> plain = cases().stream().map(c -> PairedCase.of(c.query(), c.candidate(), c.baseline())).toList();
            assertThatThrownBy(() -> assertThatCandidates(plain).judgedBy(autoj).withRubric("helpfulness").isPreferredOverBaseline())
                    .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                    .hasMessageContaining("case #1 of 5 cannot be judged by GAIR/autoj-13b (Auto-J)")
                    .hasMessageContaining("Auto-J takes no rubric");
            List<PairedCase> lastHasReference = new ArrayList<>(plain);
            lastHasReference.set(4, plain.get(4).withReferenceAnswer("A reference Auto-J has no place for."));
            assertThatThrownBy(() -> assertThatCandidates(lastHasReference).judgedBy(autoj).sequentially(0.7).inChunksOf(1)
                    .isPreferredOverBaseline())
                    .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                    .hasMessageContaining("case #5 of 5")
                    .hasMessageContaining("Auto-J takes no reference answer");
            assertThatThrownBy(() -> assertThatResponses(List.of(ANSWER)).forQuery(QUERY).judgedBy(autoj).withReferenceAnswer(REFERENCE)
                    .scoresAtLeast(7))
                    .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                    .hasMessageContaining("Auto-J takes no reference answer");
            assertThatThrownBy(() -> assertThatResponses(List.of(ANSWER)).forQuery(QUERY).judgedBy(autoj).scoresAtLeast(11))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("GAIR/autoj-13b (Auto-J) scores 1–10");
        }
        assertThat(prompts).isEmpty();
    }
}
