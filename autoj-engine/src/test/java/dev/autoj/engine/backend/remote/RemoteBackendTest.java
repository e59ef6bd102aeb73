package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.RemoteFixtures.echo;
import static dev.autoj.engine.backend.remote.RemoteFixtures.prompts;
import static dev.autoj.engine.backend.remote.CompletionsServer.completion;
import static dev.autoj.engine.backend.remote.CompletionsServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.backend.remote.CompletionsServer.Recorded;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The remote backend against a real HTTP server on 127.0.0.1 that speaks vLLM's completions format. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RemoteBackendTest {

    private static final String TOKEN = "tok-4f1c9b2e77a0";

    /** Waits the backend asked for, recorded instead of slept so retry tests stay fast and exact. */
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    /** For waits the fleet measures against the request's deadline: time that moves only when the backend sleeps. */
    private final FakeTime time = new FakeTime();

    private RemoteBackend backend(RemoteConfig config) {
        return new RemoteBackend(config, name -> "AUTOJ_TEST_TOKEN".equals(name) ? TOKEN : null,
                waits::add, () -> 0.5);
    }

    private static RemoteConfig.Builder config(URI... endpoints) {
        return RemoteFixtures.config(Duration.ofSeconds(3), Duration.ofSeconds(10), endpoints).modelName("GAIR/autoj-13b");
    }

    @Test
    void postsExactlyTheGreedyCompletionBodyAndParsesTheAnswer() throws Exception {
        String critique = "The response is concise.\n\nRating: [[7]]";
        try (CompletionsServer server = CompletionsServer.replying(completion(critique, "stop", 321, 17));
             RemoteBackend backend = backend(config(server.base()).build())) {
            String prompt = "[INST] Say \"hi\"\\ in 中文\n\t [/INST]";

            List<Generation> out = backend.generate(List.of(new GenerationRequest(prompt, 1024)));

            assertThat(server.requests()).hasSize(1);
            Recorded sent = server.requests().get(0);
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/v1/completions");
            assertThat(sent.contentType()).isEqualTo("application/json");
            assertThat(sent.authorization()).isNull();
            assertThat(sent.body()).isEqualTo("{\"model\":\"GAIR/autoj-13b\","
                    + "\"prompt\":\"[INST] Say \\\"hi\\\"\\\\ in 中文\\n\\t [/INST]\","
                    + "\"temperature\":0,\"top_p\":1,\"max_tokens\":1024}");
            Generation g = out.get(0);
            assertThat(g.text()).isEqualTo(critique);
            assertThat(g.stopReason()).isEqualTo(StopReason.EOS);
            assertThat(g.promptTokens()).isEqualTo(321);
            assertThat(g.generatedTokens()).isEqualTo(17);
            assertThat(g.latency()).isPositive();
            assertThat(backend.modelId()).isEqualTo("GAIR/autoj-13b");
            assertThat(backend.name()).isEqualTo("remote");
        }
    }

    @Test
    void sendsTheRequestsOwnTokenBudget() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("x", "stop", 1, 1));
             RemoteBackend backend = backend(config(server.base()).modelName("autoj").build())) {
            backend.generate(List.of(new GenerationRequest("p", 30)));

            assertThat(server.requests().get(0).body())
                    .isEqualTo("{\"model\":\"autoj\",\"prompt\":\"p\",\"temperature\":0,\"top_p\":1,\"max_tokens\":30}");
        }
    }

    @Test
    void lengthFinishReasonIsReportedAsTruncatedByTheBudget() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                completion("The first response is better because", "length", 900, 1024));
             RemoteBackend backend = backend(config(server.base()).build())) {
            Generation g = backend.generate(prompts(1)).get(0);

            assertThat(g.stopReason()).isEqualTo(StopReason.LENGTH);
            assertThat(g.text()).isEqualTo("The first response is better because");
            assertThat(g.generatedTokens()).isEqualTo(1024);
        }
    }

    @Test
    void missingFinishReasonAtTheFullBudgetCountsAsTruncated() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                completion("cut", null, 5, 8), completion("done", null, 5, 3));
             RemoteBackend backend = backend(config(server.base()).concurrency(1).build())) {
            List<Generation> out = backend.generate(List.of(new GenerationRequest("a", 8), new GenerationRequest("b", 8)));

            assertThat(out).extracting(Generation::stopReason).containsExactly(StopReason.LENGTH, StopReason.EOS);
        }
    }

    @Test
    void slowResponsePastTheRequestTimeoutIsRetriedThenFailsNamingTheTimeout() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                completion("late", "stop", 1, 1).after(Duration.ofSeconds(5)));
             RemoteBackend backend = backend(config(server.base())
                     .requestTimeout(Duration.ofMillis(200)).maxRetries(1).build())) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("gave up after 2 attempts")
                    .hasMessageContaining(server.base().toString())
                    .hasMessageContaining("timed out")
                    .hasMessageContaining("200 ms (the request timeout)")
                    .hasMessageContaining("autoj.timeout in JUnit, --timeout in the CLI")
                    .hasMessageNotContaining("requestTimeout")
                    .hasMessageNotContaining("maxRetries");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(server.requests()).hasSize(2);
            assertThat(waits).containsExactly(Duration.ofMillis(75));
        }
    }

    @Test
    void serviceUnavailableIsRetriedWithGrowingBackoffUntilItSucceeds() throws Exception {
        CompletionsServer.Reply unavailable = json(503, "{\"error\":\"warming up\"}");
        try (CompletionsServer server = CompletionsServer.replying(unavailable, unavailable,
                completion("ok", "stop", 3, 1));
             RemoteBackend backend = backend(config(server.base()).maxRetries(3).build())) {
            Generation g = backend.generate(prompts(1)).get(0);

            assertThat(g.text()).isEqualTo("ok");
            assertThat(server.requests()).hasSize(3);
            assertThat(server.requests()).extracting(Recorded::body).containsOnly(server.requests().get(0).body());
            // jitter fixed at the middle: 3/4 of 100 ms, then of 200 ms
            assertThat(waits).containsExactly(Duration.ofMillis(75), Duration.ofMillis(150));
        }
    }

    @Test
    void tooManyRequestsWaitsAsLongAsRetryAfterSaysWithinTheRequestTimeoutPastTheBackoffCap() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                json(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "7")),
                json(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "120")),
                completion("ok", "stop", 3, 1));
             RemoteBackend backend = new RemoteBackend(config(server.base()).requestTimeout(Duration.ofMinutes(5))
                     .maxRetries(2).build(), name -> null, time, () -> 0.5, time)) {
            assertThat(backend.generate(prompts(1)).get(0).text()).isEqualTo("ok");

            assertThat(server.requests()).hasSize(3);
            // A 429's Retry-After is the server's word on when it takes work again: not cut to the 10 s backoff cap.
            assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(120));
        }
    }

    @Test
    void serviceUnavailableRetryAfterIsStillCappedAtTheBackoffCap() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                json(503, "{\"error\":\"loading\"}", Map.of("Retry-After", "120")),
                completion("ok", "stop", 3, 1));
             RemoteBackend backend = backend(config(server.base()).maxRetries(2).build())) {
            assertThat(backend.generate(prompts(1)).get(0).text()).isEqualTo("ok");

            assertThat(waits).containsExactly(Duration.ofSeconds(10));
        }
    }

    @Test
    void aRetryAfterLongerThanTheRequestTimeoutFailsAtOnceNamingTheRateLimitNotAnOutage() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                json(429, "{\"error\":\"quota exceeded\"}", Map.of("Retry-After", "60")));
             RemoteBackend backend = backend(config(server.base()).maxRetries(3).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("every endpoint is rate-limited and none is free again within the request timeout")
                    .hasMessageContaining(server.base() + " (up, rate-limited for another ")
                    .hasMessageContaining("rate-limited: HTTP 429 \"{\"error\":\"quota exceeded\"}\" with Retry-After 60000 ms")
                    .hasMessageContaining("autoj.concurrency in JUnit")
                    .hasMessageContaining("autoj.timeout in JUnit")
                    .hasMessageNotContaining("down");
            assertThat(server.requests()).hasSize(1);
            assertThat(waits).as("a wait that cannot end in time is not started").isEmpty();

            // The server asked for 60 s of quiet: the next request honours that too, and it is not called unreachable.
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("every endpoint is rate-limited")
                    .hasMessageNotContaining("unreachable");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void persistentServerErrorsFailAfterMaxRetriesNamingEndpointAttemptsAndLastError() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(json(500, "{\"message\":\"CUDA out of memory\"}"));
             RemoteBackend backend = backend(config(server.base()).maxRetries(2).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(3).subList(0, 1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("request 1 of 1")
                    .hasMessageContaining("gave up after 3 attempts on [" + server.base() + "]")
                    .hasMessageContaining("to " + server.base())
                    .hasMessageContaining("HTTP 500")
                    .hasMessageContaining("CUDA out of memory");

            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void refusedConnectionFailsOverToTheNextEndpointAtOnce() throws Exception {
        URI dead = CompletionsServer.refusingEndpoint();
        try (CompletionsServer live = CompletionsServer.start(RemoteFixtures::echo);
             RemoteBackend backend = backend(config(dead, live.base()).maxRetries(1).build())) {
            List<Generation> out = backend.generate(prompts(4));

            assertThat(out).extracting(Generation::text).containsExactly(
                    "echo [INST] prompt 0 [/INST]", "echo [INST] prompt 1 [/INST]",
                    "echo [INST] prompt 2 [/INST]", "echo [INST] prompt 3 [/INST]");
            assertThat(live.requests()).hasSize(4);
            assertThat(waits).isEmpty();
        }
    }

    @Test
    void allEndpointsRefusingFailsWithTheConnectionError() throws Exception {
        URI dead = CompletionsServer.refusingEndpoint();
        try (RemoteBackend backend = backend(config(dead).maxRetries(1).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("every endpoint is down")
                    .hasMessageContaining(dead + " (down")
                    .hasMessageContaining("connection failed")
                    .hasMessageContaining("autoj.endpoints in JUnit, --endpoint in the CLI");
        }
    }

    @Test
    void requestsAreSpreadRoundRobinOverHealthyEndpoints() throws Exception {
        try (CompletionsServer a = CompletionsServer.start(RemoteFixtures::echo);
             CompletionsServer b = CompletionsServer.start(RemoteFixtures::echo);
             RemoteBackend backend = backend(config(a.base(), b.base()).concurrency(1).build())) {
            backend.generate(prompts(6));

            assertThat(a.requests()).hasSize(3);
            assertThat(b.requests()).hasSize(3);
        }
    }

    @Test
    void badRequestRejectsThatRequestOnlyWithoutRetryAndQuotesTheServer() throws Exception {
        String vllmError = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens."
                + " However, you requested 5120 tokens.\",\"type\":\"BadRequestError\",\"code\":400}";
        try (CompletionsServer server = CompletionsServer.start(
                r -> r.body().contains("prompt 1 ") ? json(400, vllmError) : echo(r));
             RemoteBackend backend = backend(config(server.base()).maxRetries(3).build())) {
            List<Generation> out = backend.generate(prompts(3));

            assertThat(out).extracting(Generation::stopReason)
                    .containsExactly(StopReason.EOS, StopReason.REJECTED, StopReason.EOS);
            assertThat(out.get(0).text()).isEqualTo("echo [INST] prompt 0 [/INST]");
            assertThat(out.get(2).text()).isEqualTo("echo [INST] prompt 2 [/INST]");
            assertThat(out.get(1).text()).isEmpty();
            assertThat(out.get(1).rejection())
                    .contains("POST " + server.base() + "/v1/completions was rejected with HTTP 400 (not retried)")
                    .contains("maximum context length is 4096 tokens")
                    .contains("context window");
            assertThat(server.requests()).hasSize(3);
            assertThat(waits).isEmpty();
        }
    }

    @Test
    void unknownModelPointsAtTheModelList() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                json(404, "{\"message\":\"The model `autoj` does not exist.\"}"));
             RemoteBackend backend = backend(config(server.base()).modelName("autoj").build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("HTTP 404")
                    .hasMessageContaining("The model `autoj` does not exist.")
                    .hasMessageContaining("GET " + server.base() + "/v1/models");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void malformedJsonFailsNamingTheEndpointAndQuotingTheBody() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(
                new CompletionsServer.Reply(200, "<html>502 Bad Gateway</html>", Map.of(), Duration.ZERO));
             RemoteBackend backend = backend(config(server.base()).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining(server.base() + "/v1/completions answered HTTP 200")
                    .hasMessageContaining("not valid JSON")
                    .hasMessageContaining("<html>502 Bad Gateway</html>");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void responseWithoutChoicesFailsClearly() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(json(200, "{\"id\":\"x\",\"choices\":[]}"));
             RemoteBackend backend = backend(config(server.base()).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("no \"choices\" array")
                    .hasMessageContaining("{\"id\":\"x\",\"choices\":[]}");
        }
    }

    @Test
    void abortedFinishReasonIsAnErrorNotASilentAnswer() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("partial", "abort", 3, 2));
             RemoteBackend backend = backend(config(server.base()).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("finish_reason is \"abort\"");
        }
    }

    @Test
    void oneBatchNeverHasMoreRequestsInFlightThanTheConcurrencyBound() throws Exception {
        try (CompletionsServer server = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(40)));
             RemoteBackend backend = backend(config(server.base()).concurrency(4).build())) {
            List<Generation> out = backend.generate(prompts(20));

            assertThat(out).extracting(Generation::text)
                    .containsExactlyElementsOf(prompts(20).stream().map(p -> "echo " + p.prompt()).toList());
            assertThat(server.requests()).hasSize(20);
            assertThat(server.maxInFlight()).isBetween(2, 4);
        }
    }

    @Test
    void theConcurrencyBoundHoldsAcrossCallers() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (CompletionsServer server = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(30)));
             RemoteBackend backend = backend(config(server.base()).concurrency(3).build())) {
            List<Future<List<Generation>>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(callers.submit(() -> backend.generate(prompts(8))));
            }
            for (Future<List<Generation>> result : results) {
                assertThat(result.get(8, TimeUnit.SECONDS)).hasSize(8);
            }

            assertThat(server.requests()).hasSize(24);
            assertThat(server.maxInFlight()).isBetween(2, 3);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void bearerTokenFromTheEnvironmentIsSentAsAuthorizationHeader() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("ok", "stop", 1, 1));
             RemoteBackend backend = backend(config(server.base()).bearerTokenEnv("AUTOJ_TEST_TOKEN").build())) {
            backend.generate(prompts(1));

            assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer " + TOKEN);
        }
    }

    @Test
    void bearerTokenNeverAppearsInErrorsOrDescriptions() throws Exception {
        // A misbehaving proxy that echoes the credentials it was given.
        try (CompletionsServer server = CompletionsServer.start(
                r -> json(401, "{\"error\":\"invalid key " + r.authorization() + "\"}"));
             RemoteBackend backend = backend(config(server.base()).bearerTokenEnv("AUTOJ_TEST_TOKEN").build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("invalid key Bearer [redacted]")
                    .hasMessageContaining("AUTOJ_TEST_TOKEN")
                    .hasMessageNotContaining(TOKEN);
            assertThat(backend.toString()).doesNotContain(TOKEN).contains("AUTOJ_TEST_TOKEN");
            assertThat(backend.config().toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void unsetTokenVariableIsRejectedAtConstructionNamingTheVariable() {
        RemoteConfig config = RemoteConfig.builder().endpoints("http://127.0.0.1:9").bearerTokenEnv("AUTOJ_UNSET").build();

        assertThatThrownBy(() -> backend(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AUTOJ_UNSET")
                .hasMessageContaining("unset or blank");
    }

    @Test
    void tokenBudgetAboveMaxTokensFailsBeforeAnythingIsSent() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("x", "stop", 1, 1));
             RemoteBackend backend = backend(config(server.base()).maxTokens(512).build())) {
            assertThatThrownBy(() -> backend.generate(List.of(new GenerationRequest("p", 100),
                    new GenerationRequest("q", 1024))))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("request 2 of 2 asks for 1024 new tokens")
                    .hasMessageContaining("maxTokens (512)");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void servedModelsListsTheIdsOfOneEndpoint() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("x", "stop", 1, 1))
                .serving("GAIR/autoj-13b", "GAIR/autoj-scenario-classifier");
             RemoteBackend backend = backend(config(server.base()).build())) {
            assertThat(backend.servedModels(server.base()))
                    .containsExactly("GAIR/autoj-13b", "GAIR/autoj-scenario-classifier");
            assertThat(server.modelRequests()).isEqualTo(1);
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void aClosedBackendRefusesNewWorkClearly() throws Exception {
        try (CompletionsServer server = CompletionsServer.replying(completion("x", "stop", 1, 1))) {
            RemoteBackend backend = backend(config(server.base()).build());
            backend.close();

            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("is closed");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void closingWhileRequestsWaitReleasesEveryCaller() throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (CompletionsServer server = CompletionsServer.start(r -> echo(r).after(Duration.ofSeconds(5)))) {
            RemoteBackend backend = backend(config(server.base()).concurrency(1).build());
            Future<List<Generation>> pending = caller.submit(() -> backend.generate(prompts(3)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (server.requests().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            backend.close();

            assertThatThrownBy(() -> pending.get(3, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BackendException.class)
                    .hasMessageContaining("request 1 of 3");
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDateAndIgnoredOtherwise() {
        String inThirtySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));

        assertThat(Timing.retryAfter(" 12 ")).isEqualTo(Duration.ofSeconds(12));
        assertThat(Timing.retryAfter(inThirtySeconds)).isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));
        assertThat(Timing.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(Timing.retryAfter("soon")).isNull();
    }
}
