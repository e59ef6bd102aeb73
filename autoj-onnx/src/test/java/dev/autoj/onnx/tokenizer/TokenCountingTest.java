package dev.autoj.onnx.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts counted with the real LLaMA-2 tokenizer ({@code ../shared/tokenizers/llama2}; skipped when
 * absent) through the one settings path, {@link JudgeSpec} with {@code autoj.tokenizer}: a prompt that
 * cannot fit Auto-J's 4096-token window with the 1024-token budget never reaches the loopback server,
 * and the other requests of the batch are judged.
 */
class TokenCountingTest {

    private static final String ANSWER = "{\"object\":\"text_completion\",\"choices\":[{\"index\":0,"
            + "\"text\":\"The response is fine.\\n\\nRating: [[7]]\",\"finish_reason\":\"stop\"}]}";

    @Test
    void aTwentyThousandWordResponseIsRefusedBeforeSendingAndTheRestOfTheBatchIsJudged() throws Exception {
        Path llama2 = SharedFiles.tokenizer("llama2");
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/completions", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        // 20,000 words, far past the window; and ~3,300 tokens in 13,000 characters, which only a count shows.
        String essay = "The committee reviewed the proposal carefully and raised several concerns about its cost. ".repeat(1_540);
        String digits = "3.14159 2.71828 1.41421 ".repeat(540);
        List<Judge.GradeRequest> requests = List.of(
                new Judge.GradeRequest("Summarize the meeting.", "The committee met and agreed.", Scenario.DEFAULT),
                new Judge.GradeRequest("Write a 20,000-word report.", essay, Scenario.DEFAULT),
                new Judge.GradeRequest("List some constants.", digits, Scenario.DEFAULT),
                new Judge.GradeRequest("Say hi.", "Hi!", Scenario.DEFAULT));
        List<Judgment> judgments;
        int essayTokens;
        int digitTokens;
        try (Judge judge = JudgeSpec.builder()
                .endpoints(List.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())))
                .conformance(ConformanceMode.OFF).tokenizer(llama2).build().open();
             Tokenizer tokenizer = Tokenizer.load(llama2)) {
            judgments = judge.gradeAll(requests);
            essayTokens = tokenizer.encode(PromptBuilder.single(Language.EN, requests.get(1).query(), essay).text()).length;
            digitTokens = tokenizer.encode(PromptBuilder.single(Language.EN, requests.get(2).query(), digits).text()).length;
        } finally {
            server.stop(0);
        }

        assertThat(essay.split(" ")).hasSize(20_020);
        assertThat(essayTokens).isGreaterThan(4096);
        assertThat(digitTokens).as("over the window, though 13,000 characters may be 800 tokens").isGreaterThan(3072);
        assertThat(digits.length()).isLessThan(3072 * 16);
        assertThat(judgments).extracting(Judgment::isNoVerdict).containsExactly(false, true, true, false);
        assertThat(judgments.get(0).rating()).isEqualTo(7.0);
        assertThat(judgments.get(3).rating()).isEqualTo(7.0);
        assertThat(judgments.get(1).noVerdictReason())
                .startsWith("the prompt is too long for the judge, so there is no judgment: not sent")
                .contains("grade request 2 of 4", "Write a 20,000-word report.", essayTokens + " tokens (counted with the tokenizer "
                        + llama2.toAbsolutePath().normalize() + ")", "4096-token context window");
        assertThat(judgments.get(1).promptTokens()).isEqualTo(essayTokens);
        assertThat(judgments.get(2).noVerdictReason()).contains("grade request 3 of 4", digitTokens + " tokens");
        assertThat(bodies).as("the loopback server received only the two that fit").hasSize(2)
                .noneMatch(b -> b.contains("committee reviewed") || b.contains("3.14159"));
    }

    @Test
    void theEmbeddedRuntimeCountsAsTheTokenizerEncodesBosIncluded() {
        Path llama2 = SharedFiles.tokenizer("llama2");
        try (TokenCounter counter = EmbeddedRuntime.require().tokenCounter(llama2);
             Tokenizer tokenizer = Tokenizer.load(llama2)) {
            assertThat(counter.count("[INST] Hello world! [/INST]")).isEqualTo(tokenizer.encode("[INST] Hello world! [/INST]").length);
            assertThat(counter.count("")).isEqualTo(1);
            assertThat(counter.describe()).isEqualTo("the tokenizer " + llama2.toAbsolutePath().normalize());
        }
    }

    @Test
    void aTokenizerFileThatIsNotOneIsRefusedWhenTheJudgeOpensNamingTheSetting(@TempDir Path dir) throws Exception {
        Path notATokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{\"architectures\":[\"LlamaForCausalLM\"]}");
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(URI.create("http://127.0.0.1:9")))
                .conformance(ConformanceMode.OFF).tokenizer(notATokenizer).build();

        assertThatThrownBy(spec::open).isInstanceOf(JudgeSpec.InvalidSpecException.class)
                .hasMessageContaining("autoj.tokenizer (or AUTOJ_TOKENIZER) = " + notATokenizer)
                .hasMessageContaining("not a Hugging Face tokenizer.json");
    }
}
