package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.RemoteFixtures.echo;
import static dev.autoj.engine.backend.remote.RemoteFixtures.prompts;
import static dev.autoj.engine.backend.remote.RemoteFixtures.status;
import static dev.autoj.engine.backend.remote.CompletionsServer.completion;
import static dev.autoj.engine.backend.remote.CompletionsServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.remote.CompletionsServer.Recorded;
import dev.autoj.engine.testing.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fleet that routes around bad answers, against real HTTP servers on 127.0.0.1: a 2xx that is not a
 * completion is that endpoint's failure and the request goes elsewhere; a 429 is "busy", waited out
 * only within the request timeout and reported as a rate limit. Waits run on {@link FakeTime}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadAnswersTest {

    private static final String NOT_JSON = "<html><body>502 Bad Gateway</body></html>";
    private static final String NO_CHOICES = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[]}";
    private static final String NO_TEXT = "{\"id\":\"cmpl-1\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}";

    private final FakeTime time = new FakeTime();

    private RemoteBackend backend(RemoteConfig config) {
        return RemoteFixtures.backend(config, time);
    }

    private static RemoteConfig.Builder config(URI... endpoints) {
        return RemoteFixtures.config(Duration.ofSeconds(10), Duration.ofSeconds(5), endpoints);
    }

    private static List<String> echoes(int count) {
        return prompts(count).stream().map(p -> "echo " + p.prompt()).toList();
    }


    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {NOT_JSON, NO_CHOICES, NO_TEXT})
    void anEndpointAnsweringTwoHundredWithoutACompletionIsRoutedAroundAndEveryRequestIsAnswered(String bad)
            throws Exception {
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             CompletionsServer broken = CompletionsServer.replying(json(200, bad));
             CompletionsServer healthy = CompletionsServer.start(RemoteFixtures::echo);
             RemoteBackend backend = backend(config(broken.base(), healthy.base()).concurrency(4).build())) {
            List<Generation> out = backend.generate(prompts(40));

            assertThat(out).extracting(Generation::text).containsExactlyElementsOf(echoes(40));
            assertThat(healthy.requests()).hasSize(40);
            // Five unusable answers in a row take it out, like five 500s (plus what was already on its way to it
            // at the fifth: at most concurrency - 1); none of them failed a request.
            assertThat(broken.requests()).hasSizeBetween(RemoteConfig.DEFAULT_EJECT_AFTER_ERRORS,
                    RemoteConfig.DEFAULT_EJECT_AFTER_ERRORS + 3);
            assertThat(status(backend, broken.base()).health()).isEqualTo(Fleet.Health.DOWN);
            assertThat(status(backend, broken.base()).lastError()).startsWith("answered HTTP 200 but ");
            List<String> retries = log.messages(Level.INFO).stream().filter(m -> m.contains(" on " + broken.base()
                    + " failed: answered HTTP 200 but ")).toList();
            assertThat(retries).hasSize(broken.requests().size())
                    .allMatch(m -> m.endsWith("retry 1 of 3 on " + healthy.base() + " at once"));
            assertThat(time.sleeps).as("another endpoint is not made to wait for this one's bad answer").isEmpty();
        }
    }

    @Test
    void aRequestIsNotSentBackToAnEndpointThatGaveItAnUnusableAnswerEvenWhenThatEndpointIsFreeAndTheOtherBusy()
            throws Exception {
        try (CompletionsServer broken = CompletionsServer.replying(json(200, NO_CHOICES));
             CompletionsServer slow = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(50)));
             RemoteBackend backend = backend(config(broken.base(), slow.base()).concurrency(4).endpointConcurrency(1)
                     .build())) {
            List<Generation> out = backend.generate(prompts(4));

            assertThat(out).extracting(Generation::text).containsExactlyElementsOf(echoes(4));
            assertThat(slow.requests()).hasSize(4);
            // Each request met the broken endpoint at most once: it waited for the slow one instead of going back.
            assertThat(broken.requests()).hasSizeLessThanOrEqualTo(4);
            assertThat(broken.requests().stream().map(Recorded::body).distinct().count())
                    .isEqualTo(broken.requests().size());
        }
    }

    @Test
    void whenEveryEndpointAnswersWithoutACompletionTheRequestFailsNamingEachEndpointAndWhatItAnswered()
            throws Exception {
        try (CompletionsServer html = CompletionsServer.replying(json(200, NOT_JSON));
             CompletionsServer empty = CompletionsServer.replying(json(200, NO_CHOICES));
             CompletionsServer textless = CompletionsServer.replying(json(200, NO_TEXT));
             RemoteBackend backend = backend(config(html.base(), empty.base(), textless.base()).concurrency(1).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("request 1 of 1")
                    .hasMessageContaining("POST /v1/completions got no usable answer from any endpoint (3 attempts): ")
                    .hasMessageContaining(html.base() + "/v1/completions answered HTTP 200 but the response is not valid JSON")
                    .hasMessageContaining("502 Bad Gateway")
                    .hasMessageContaining(empty.base() + "/v1/completions answered HTTP 200 but the response has no"
                            + " \"choices\" array with a completion: \"" + NO_CHOICES + "\"")
                    .hasMessageContaining(textless.base() + "/v1/completions answered HTTP 200 but choices[0].text is"
                            + " missing or not a string")
                    .hasMessageContaining("OpenAI-compatible server");
            assertThat(List.of(html, empty, textless)).allSatisfy(s -> assertThat(s.requests()).hasSize(1));
        }
    }

    @Test
    void aRateLimitedEndpointIsLeftOutUntilItsRetryAfterEndsWhileTheOtherTakesTheWorkAndItIsNeverCalledDown()
            throws Exception {
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             CompletionsServer limited = CompletionsServer.replying(
                     json(429, "{\"error\":\"rate limit\"}", Map.of("Retry-After", "30")));
             CompletionsServer healthy = CompletionsServer.start(RemoteFixtures::echo);
             RemoteBackend backend = backend(config(limited.base(), healthy.base()).concurrency(1).build())) {
            List<Generation> out = backend.generate(prompts(20));

            assertThat(out).extracting(Generation::text).containsExactlyElementsOf(echoes(20));
            assertThat(limited.requests()).as("asked once, then left alone for its 30 s").hasSize(1);
            assertThat(healthy.requests()).hasSize(20);
            Fleet.Status status = status(backend, limited.base());
            assertThat(status.health()).isEqualTo(Fleet.Health.UP);
            assertThat(status.rateLimited()).isTrue();
            assertThat(status.ejections()).isZero();
            assertThat(time.sleeps).isEmpty();
            assertThat(log.messages(Level.WARNING)).noneMatch(m -> m.contains(" is down "));

            // After its Retry-After it takes its share again.
            time.advance(Duration.ofSeconds(31));
            backend.generate(prompts(2));
            assertThat(limited.requests()).hasSize(2);
        }
    }

    @Test
    void aLoneEndpointAnsweringTooManyRequestsWithRetryAfterOneSecondIsWaitedForAndThenAnswersEveryRequest()
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (CompletionsServer busy = CompletionsServer.start(r -> calls.incrementAndGet() % 2 == 1
                ? json(429, "{\"error\":\"busy\"}", Map.of("Retry-After", "1")) : echo(r));
             RemoteBackend backend = backend(config(busy.base()).concurrency(1).build())) {
            List<Generation> out = backend.generate(prompts(10));

            assertThat(out).extracting(Generation::text).containsExactlyElementsOf(echoes(10));
            assertThat(busy.requests()).hasSize(20);
            assertThat(time.sleeps).hasSize(10).containsOnly(Duration.ofSeconds(1));
            assertThat(status(backend, busy.base()).ejections()).isZero();
        }
    }

    @Test
    void aLoneEndpointThatStaysRateLimitedFailsTheJobAfterTheRetriesNamingTheRateLimitNotAnOutage() throws Exception {
        try (CompletionsServer busy = CompletionsServer.replying(
                json(429, "{\"error\":\"busy\"}", Map.of("Retry-After", "1")));
             RemoteBackend backend = backend(config(busy.base()).concurrency(1).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(40)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("gave up after 4 attempts on [" + busy.base() + "]")
                    .hasMessageContaining("rate-limited: HTTP 429 \"{\"error\":\"busy\"}\" with Retry-After 1000 ms")
                    .hasMessageContaining("autoj.concurrency in JUnit, --concurrency in the CLI")
                    .hasMessageNotContaining("down")
                    .hasMessageNotContaining("unreachable");
            // The first request's four attempts, with the three waits of one second they asked for (and perhaps a
            // few of the next request's before the failed job cancelled it): seconds, not a 5-minute ride through
            // cool-offs.
            assertThat(time.sleeps).hasSizeBetween(3, 6).containsOnly(Duration.ofSeconds(1));
            assertThat(busy.requests()).hasSizeBetween(4, 8);
            assertThat(status(backend, busy.base()).ejections()).isZero();
            // Busy is not dead: the circuit breaker did not open and the next job is sent (an open breaker would fail
            // it at once, saying the judge "was unreachable").
            time.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("gave up after 4 attempts")
                    .hasMessageContaining("rate-limited")
                    .hasMessageNotContaining("unreachable");
        }
    }

    @Test
    void aRateLimitEndingAfterTheRequestTimeoutFailsAtOnceSayingRateLimitedAndHowToFixIt() throws Exception {
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(61));
        try (CompletionsServer busy = CompletionsServer.replying(
                json(429, "{\"error\":\"quota\"}", Map.of("Retry-After", inAMinute)));
             RemoteBackend backend = backend(config(busy.base()).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("found no endpoint free to send to after 1 attempt: every endpoint is"
                            + " rate-limited and none is free again within the request timeout")
                    .hasMessageContaining("raise the request timeout so that their Retry-After fits in it"
                            + " (autoj.timeout in JUnit, --timeout in the CLI)");
            assertThat(busy.requests()).hasSize(1);
            assertThat(time.sleeps).isEmpty();
        }
    }
}
