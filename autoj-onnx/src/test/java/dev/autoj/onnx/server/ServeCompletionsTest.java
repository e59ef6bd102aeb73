package dev.autoj.onnx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.TinyLlama;
import dev.autoj.onnx.TokenGeneration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj serve}'s HTTP side ({@link CompletionsServer}) in front of the embedded engine on a
 * tiny random LLaMA checkpoint with LLaMA-2's real tokenizer, driven by autoj's own remote client
 * ({@link RemoteBackend}, its fleet and the judge on top) and by plain HTTP for the refusals: the
 * served texts are those the embedded back end generates, concurrent requests share batches, and
 * what cannot be honoured is a 400 that says why.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServeCompletionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny-autoj";
    private static final int BUDGET = 24;

    @TempDir
    static Path dir;

    static TinyLlama model;
    static OnnxBackend engine;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StringWriter log = new StringWriter();

    @BeforeAll
    static void openTheEngine() throws IOException {
        model = TinyLlama.withLlama2Tokenizer(dir.resolve(MODEL));
        engine = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(dir.resolve("cache")).withMaxNewTokens(Integer.MAX_VALUE));
    }

    @AfterAll
    static void closeTheEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    /** The shared engine behind a server; closing the server leaves it open. {@code beforeBatch} sees each batch. */
    private static Backend shared(Consumer<List<GenerationRequest>> beforeBatch) {
        return new Backend() {
            @Override
            public String name() {
                return engine.name();
            }

            @Override
            public String modelId() {
                return engine.modelId();
            }

            @Override
            public List<Generation> generate(List<GenerationRequest> requests) {
                beforeBatch.accept(requests);
                return engine.generate(requests);
            }
        };
    }

    private CompletionsServer serve(Backend backend) throws IOException {
        return CompletionsServer.start(new CompletionsServer.Settings("127.0.0.1", 0, MODEL, engine.config().contextWindow(),
                p -> engine.encode(p).length, 8, null), backend, new PrintWriter(log, true));
    }

    private static RemoteBackend client(CompletionsServer server) {
        return new RemoteBackend(RemoteConfig.builder().endpoints(server.url().toString()).modelName(MODEL).concurrency(8)
                .maxRetries(0).build());
    }

    private static List<Judge.GradeRequest> gradeRequests() {
        return List.of(
                new Judge.GradeRequest("What is the capital of France?", "Paris.", Scenario.DEFAULT),
                new Judge.GradeRequest("Write a haiku about rain", "Soft rain on the roof, the garden drinks slowly.", Scenario.DEFAULT),
                new Judge.GradeRequest("How do I reverse a list in Python?", "Use my_list[::-1] or my_list.reverse().", Scenario.DEFAULT),
                new Judge.GradeRequest("Summarize: the cat sat on the mat.", "A cat sat on a mat.", Scenario.DEFAULT));
    }

    @Test
    void theRemoteJudgeThroughServeWritesWhatTheEmbeddedJudgeWrites() throws IOException {
        try (CompletionsServer server = serve(shared(batch -> { }));
             Judge remote = Judges.builder().backend(client(server)).maxNewTokens(BUDGET).build();
             Judge embedded = Judges.builder().backend(shared(batch -> { }).withModelId(MODEL)).maxNewTokens(BUDGET).build()) {
            List<Judgment> served = remote.gradeAll(gradeRequests());
            List<Judgment> direct = embedded.gradeAll(gradeRequests());

            assertThat(served).hasSize(4);
            for (int i = 0; i < served.size(); i++) {
                assertThat(direct.get(i).rawOutput()).as("request %d", i).isNotEmpty();
                assertThat(served.get(i).rawOutput()).as("request %d", i).isEqualTo(direct.get(i).rawOutput());
                assertThat(served.get(i).noVerdictReason()).as("request %d", i).isEqualTo(direct.get(i).noVerdictReason());
            }
        }
    }

    @Test
    void aCompletionIsTheEngineGreedyIdsDecodedWithItsTokenCountsAndFinishReason() throws Exception {
        String prompt = "[INST] Write critiques for a submitted response on a given user's query, and grade the response:\n"
                + "What is 2 + 2? It is 4. [/INST]";
        TokenGeneration ids = engine.generateIds(engine.encode(prompt), BUDGET);
        try (CompletionsServer server = serve(shared(batch -> { }))) {
            HttpResponse<String> answer = post(server, body(prompt).put("max_tokens", BUDGET));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode json = JSON.readTree(answer.body());
            JsonNode choice = json.path("choices").path(0);
            // the embedded form: the generated ids decoded on their own (no leading space kept from the first token)
            assertThat(choice.path("text").asText()).isEqualTo(engine.decode(ids.ids()));
            assertThat(choice.path("finish_reason").asText()).isEqualTo(ids.stopReason() == StopReason.EOS ? "stop" : "length");
            assertThat(json.path("usage").path("prompt_tokens").asInt()).isEqualTo(engine.encode(prompt).length);
            assertThat(json.path("usage").path("completion_tokens").asInt())
                    .isEqualTo(ids.ids().length + (ids.stopReason() == StopReason.EOS ? 1 : 0));
            assertThat(json.path("model").asText()).isEqualTo(MODEL);
            assertThat(json.path("object").asText()).isEqualTo("text_completion");
        }
    }

    @Test
    void requestsSentTogetherWhileABatchRunsShareTheNextBatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(new GenerationRequest("[INST] Question " + i + ": how many legs has a cat? [/INST]", 16));
        }
        try (CompletionsServer server = serve(shared(batch -> {
            sizes.add(batch.size());
            if (sizes.size() == 1) {
                // hold the first batch until the other requests have arrived, as a long generation would
                await(release);
            }
        }));
             RemoteBackend client = client(server)) {
            CompletableFuture<List<Generation>> answers = CompletableFuture.supplyAsync(() -> client.generate(requests));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // the first batch holds whatever had arrived when the decoder looked; the rest wait behind it
            while ((sizes.isEmpty() || sizes.get(0) + server.batcher().queued() < requests.size()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(sizes).hasSize(1);
            int first = sizes.get(0);
            assertThat(server.batcher().queued()).as("requests waiting while the first batch runs").isEqualTo(requests.size() - first);
            release.countDown();
            List<Generation> served = answers.get(60, TimeUnit.SECONDS);

            assertThat(server.batcher().batches()).as("batches for 6 requests sent together").isEqualTo(2).isLessThan(requests.size());
            assertThat(sizes).containsExactly(first, requests.size() - first);
            List<Generation> alone = new ArrayList<>();
            for (GenerationRequest r : requests) {
                alone.add(engine.generate(List.of(r)).get(0));
            }
            assertThat(served).extracting(Generation::text).containsExactlyElementsOf(alone.stream().map(Generation::text).toList());
            assertThat(served).extracting(Generation::stopReason)
                    .containsExactlyElementsOf(alone.stream().map(Generation::stopReason).toList());
        }
    }

    @Test
    void modelsListsTheIdWithItsWindowAndHealthAnswers() throws Exception {
        try (CompletionsServer server = serve(shared(batch -> { }));
             RemoteBackend client = client(server)) {
            assertThat(client.servedModels(server.url())).containsExactly(MODEL);
            JsonNode models = JSON.readTree(get(server, "/v1/models").body());
            assertThat(models.path("data").path(0).path("max_model_len").asInt()).isEqualTo(1024);
            HttpResponse<String> health = get(server, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");
            HttpResponse<String> chat = get(server, "/v1/chat/completions");
            assertThat(chat.statusCode()).isEqualTo(404);
            assertThat(chat.body()).contains("send them to /v1/completions");
        }
    }

    @Test
    void whatCannotBeHonouredIsA400SayingWhy() throws Exception {
        try (CompletionsServer server = serve(shared(batch -> { }))) {
            assertRefused(server, body("hi").put("temperature", 0.7), "temperature", "only greedy decoding is supported");
            assertRefused(server, body("hi").put("top_p", 0.9), "top_p", "only greedy decoding is supported");
            assertRefused(server, body("hi").put("n", 2), "n", "one completion per request");
            assertRefused(server, body("hi").put("best_of", 3), "best_of", "one completion per request");
            assertRefused(server, body("hi").put("stream", true), "stream", "stream=true is not supported");
            assertRefused(server, body("hi").put("model", "GAIR/autoj-13b"), "model",
                    "the model \"GAIR/autoj-13b\" is not served here; this server serves \"tiny-autoj\"");
            assertRefused(server, body("hi").put("max_tokens", 1024), "prompt",
                    "maximum context length is 1024 tokens. However, you requested");
            assertRefused(server, body("hi").put("frequency_penalty", 0.5), "frequency_penalty", "penalties");
            assertRefused(server, body("hi").put("mirostat", 2), "mirostat", "\"mirostat\" is not supported");
            ObjectNode stop = body("hi");
            stop.putArray("stop").add("\n");
            assertRefused(server, stop, "stop", "stop strings are not supported");
            ObjectNode list = body("hi");
            list.putArray("prompt").add("a").add("b");
            assertRefused(server, list, "prompt", "must be one string");
            HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).contains("not valid JSON");
            assertThat(server.batcher().batches()).as("nothing refused reached the engine").isZero();
            // greedy spelled out, and left out, are both fine
            assertThat(post(server, body("hi").put("temperature", 0).put("top_p", 1).put("n", 1).put("stream", false)
                    .put("max_tokens", 4)).statusCode()).isEqualTo(200);
            ObjectNode bare = JSON.createObjectNode().put("model", MODEL).put("prompt", "hi");
            HttpResponse<String> defaults = post(server, bare);
            assertThat(defaults.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(defaults.body()).path("usage").path("completion_tokens").asInt())
                    .isLessThanOrEqualTo(CompletionRequest.DEFAULT_MAX_TOKENS);
        }
    }

    @Test
    void aPromptTooLongForTheWindowIsARejectionOfThatRequestOnlyThroughTheClient() throws Exception {
        String tooLong = "[INST] " + "word ".repeat(1100) + "[/INST]";
        try (CompletionsServer server = serve(shared(batch -> { }));
             RemoteBackend client = client(server)) {
            List<Generation> out = client.generate(List.of(new GenerationRequest("[INST] hello [/INST]", 8),
                    new GenerationRequest(tooLong, 8)));

            assertThat(out.get(0).isRejected()).isFalse();
            assertThat(out.get(0).text()).isEqualTo(engine.generate(List.of(new GenerationRequest("[INST] hello [/INST]", 8))).get(0).text());
            assertThat(out.get(1).isRejected()).isTrue();
            assertThat(out.get(1).rejection()).contains("HTTP 400", "maximum context length is 1024 tokens");
        }
    }

    @Test
    void aBearerTokenIsRequiredWhenConfiguredExceptForHealth() throws Exception {
        try (CompletionsServer server = CompletionsServer.start(new CompletionsServer.Settings("127.0.0.1", 0, MODEL, 1024,
                p -> engine.encode(p).length, 8, "s3cret"), shared(batch -> { }), new PrintWriter(log, true))) {
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> models = get(server, "/v1/models");
            assertThat(models.statusCode()).isEqualTo(401);
            assertThat(models.body()).contains("Authorization: Bearer");
            HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/models"))
                    .header("Authorization", "Bearer s3cret").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).isEqualTo(200);
        }
    }

    private void assertRefused(CompletionsServer server, ObjectNode body, String param, String message) throws Exception {
        HttpResponse<String> answer = post(server, body);
        assertThat(answer.statusCode()).as(body + " -> " + answer.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("message").asText()).as(body.toString()).contains(message);
        assertThat(error.path("param").asText()).as(body.toString()).isEqualTo(param);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    }

    private static ObjectNode body(String prompt) {
        return JSON.createObjectNode().put("model", MODEL).put("prompt", prompt).put("max_tokens", 8);
    }

    private HttpResponse<String> post(CompletionsServer server, JsonNode body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve("/v1/completions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(CompletionsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the first batch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
