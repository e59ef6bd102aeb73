package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.RemoteFixtures.echo;
import static dev.autoj.engine.backend.remote.RemoteFixtures.prompts;
import static dev.autoj.engine.backend.remote.RemoteFixtures.status;
import static dev.autoj.engine.backend.remote.CompletionsServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.testing.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The remote backend over several endpoints, against real HTTP servers on 127.0.0.1: ejection,
 * probes, routing, the model check at start and the circuit breaker. Cool-offs run on
 * {@link FakeTime}, which moves only when the backend sleeps or the test advances it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FleetTest {

    private final FakeTime time = new FakeTime();

    private RemoteBackend backend(RemoteConfig config) {
        return RemoteFixtures.backend(config, time);
    }

    private static RemoteConfig.Builder config(URI... endpoints) {
        return RemoteFixtures.config(Duration.ofSeconds(3), Duration.ofSeconds(10), endpoints);
    }


    @Test
    void aRefusingAFlakyAndASlowEndpointCarryTwoHundredRequestsAndTheRefusingOneCostsNoRetry() throws Exception {
        URI refusing = CompletionsServer.refusingEndpoint();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             CompletionsServer flaky = CompletionsServer.start(r -> {
                 if (calls.incrementAndGet() % 3 == 0) {
                     unavailable.incrementAndGet();
                     return json(503, "{\"error\":\"busy\"}");
                 }
                 return echo(r);
             });
             CompletionsServer slow = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(30)));
             RemoteBackend backend = backend(config(refusing, flaky.base(), slow.base()).concurrency(8).build())) {
            long started = System.nanoTime();
            List<Generation> out = backend.generate(prompts(200));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(out).extracting(Generation::text)
                    .containsExactlyElementsOf(prompts(200).stream().map(p -> "echo " + p.prompt()).toList());
            Fleet.Status dead = status(backend, refusing);
            List<String> retries = log.messages(Level.INFO).stream().filter(m -> m.contains(" failed: ")).toList();
            List<String> onDead = retries.stream().filter(m -> m.contains(" on " + refusing + " failed")).toList();
            System.out.printf("200 requests in %d ms: refusing %s attempts=%d (probes %d, ejections %d), flaky %d calls"
                            + " (%d answered 503), slow %d calls; %d retry log lines, fake time slept %s%n",
                    millis, refusing, dead.attempts(), dead.probes(), dead.ejections(), flaky.requests().size(),
                    unavailable.get(), slow.requests().size(), retries.size(),
                    time.sleeps.stream().reduce(Duration.ZERO, Duration::plus));
            // Marked down at start (GET /v1/models refused); after that only probes at the end of a cool-off.
            assertThat(dead.attempts()).isEqualTo(dead.probes());
            assertThat(dead.health()).isEqualTo(Fleet.Health.DOWN);
            // Every retry after the refusing endpoint went out at once and used no retry budget.
            assertThat(onDead).hasSize(dead.attempts()).allMatch(m -> m.contains("at once (no retry used)"));
            // Exactly one log line per retry: every attempt beyond each request's first.
            int attempts = backend.fleetStatus().stream().mapToInt(Fleet.Status::attempts).sum();
            assertThat(retries).hasSize(attempts - 200);
            assertThat(flaky.requests().size() + slow.requests().size()).isEqualTo(200 + unavailable.get());
            assertThat(status(backend, flaky.base()).health()).isEqualTo(Fleet.Health.UP);
        }
    }

    @Test
    void anEndpointThatComesBackIsUsedAgainAfterOneProbe() throws Exception {
        URI comesBack = CompletionsServer.refusingEndpoint();
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             CompletionsServer live = CompletionsServer.start(RemoteFixtures::echo);
             RemoteBackend backend = backend(config(comesBack, live.base()).concurrency(1).build())) {
            backend.generate(prompts(4));
            assertThat(live.requests()).hasSize(4);
            assertThat(status(backend, comesBack).health()).isEqualTo(Fleet.Health.DOWN);

            try (CompletionsServer back = CompletionsServer.startOn(comesBack, RemoteFixtures::echo)) {
                backend.generate(prompts(2));
                assertThat(back.requests()).as("still cooling off: not probed yet").isEmpty();

                time.advance(Duration.ofSeconds(2));
                backend.generate(prompts(1));
                assertThat(back.requests()).as("the probe").hasSize(1);
                assertThat(status(backend, comesBack).health()).isEqualTo(Fleet.Health.UP);

                backend.generate(prompts(10));
                System.out.printf("after its probe the returning endpoint took %d of 10 requests%n",
                        back.requests().size() - 1);
                assertThat(back.requests().size() - 1).isEqualTo(5);
                assertThat(log.messages()).anyMatch(m -> m.contains(comesBack + " answered its probe"));
            }
        }
    }

    @Test
    void fiveServerErrorsInARowEjectAnEndpointButOneBusyAnswerDoesNot() throws Exception {
        AtomicInteger busyOnce = new AtomicInteger();
        try (CompletionsServer sick = CompletionsServer.replying(json(500, "{\"error\":\"CUDA error\"}"));
             CompletionsServer busy = CompletionsServer.start(r -> busyOnce.getAndIncrement() == 0
                     ? json(503, "{\"error\":\"busy\"}") : echo(r));
             RemoteBackend backend = backend(config(sick.base(), busy.base()).concurrency(1).build())) {
            List<Generation> out = backend.generate(prompts(20));

            assertThat(out).hasSize(20);
            assertThat(sick.requests()).hasSize(RemoteConfig.DEFAULT_EJECT_AFTER_ERRORS);
            assertThat(status(backend, sick.base()).health()).isEqualTo(Fleet.Health.DOWN);
            assertThat(status(backend, busy.base()).health()).isEqualTo(Fleet.Health.UP);
            assertThat(status(backend, busy.base()).ejections()).isZero();
        }
    }

    @Test
    void anEndpointServingAnotherModelIsNamedAtStartAndNeverUsed() throws Exception {
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             CompletionsServer right = CompletionsServer.start(RemoteFixtures::echo).serving("GAIR/autoj-13b");
             CompletionsServer wrong = CompletionsServer.start(RemoteFixtures::echo).serving("meta-llama/Llama-2-13b-chat-hf");
             RemoteBackend backend = backend(config(wrong.base(), right.base()).build())) {
            backend.generate(prompts(6));
            backend.generate(prompts(2));

            assertThat(right.requests()).hasSize(8);
            assertThat(wrong.requests()).isEmpty();
            assertThat(right.modelRequests()).isEqualTo(1);
            assertThat(log.messages(Level.WARNING)).anyMatch(m -> m.contains(wrong.base()
                    + " serves [meta-llama/Llama-2-13b-chat-hf], not \"GAIR/autoj-13b\""));
        }
    }

    @Test
    void whenNoEndpointServesTheModelTheRunFailsNamingEachWithWhatItServes() throws Exception {
        try (CompletionsServer a = CompletionsServer.start(RemoteFixtures::echo).serving("GAIR/autoj-scenario-classifier");
             CompletionsServer b = CompletionsServer.start(RemoteFixtures::echo).serving("autoj-13b-q4_k_m", "llama3");
             RemoteBackend backend = backend(config(a.base(), b.base()).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("none of the remote judge's endpoints serves the model \"GAIR/autoj-13b\"")
                    .hasMessageContaining(a.base() + " serves [GAIR/autoj-scenario-classifier]")
                    .hasMessageContaining(b.base() + " serves [autoj-13b-q4_k_m, llama3]")
                    .hasMessageContaining("autoj.model.name in JUnit, --model-name in the CLI");
            // Later requests say the same, not that the judge is unreachable.
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("no configured endpoint serves the model \"GAIR/autoj-13b\"")
                    .hasMessageContaining(b.base() + " (not used; last error at ")
                    .hasMessageNotContaining("unreachable");
            assertThat(a.requests()).isEmpty();
            assertThat(b.requests()).isEmpty();
        }
    }

    @Test
    void withEveryEndpointDownFromTheStartTheRequestFailsAtOnceNamingEachWithItsLastError() throws Exception {
        URI a = CompletionsServer.refusingEndpoint();
        URI b = CompletionsServer.refusingEndpoint();
        URI c = CompletionsServer.refusingEndpoint();
        try (RemoteBackend backend = backend(config(a, b, c).maxRetries(1).build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("every endpoint is down and none has answered since the start")
                    .hasMessageContaining(a + " (down")
                    .hasMessageContaining(b + " (down")
                    .hasMessageContaining(c + " (down")
                    .hasMessageContaining("connection failed")
                    .hasMessageNotContaining("maxRetries");
            // Nothing ever answered: a judge that is not running is not waited for.
            assertThat(time.sleeps).isEmpty();
        }
    }

    @Test
    void whenAFleetThatWasUpGoesDownARequestWaitsForTheFirstEndpointToComeBack() throws Exception {
        CompletionsServer first = CompletionsServer.start(RemoteFixtures::echo);
        URI a = first.base();
        try (RemoteBackend backend = backend(config(a).build())) {
            assertThat(backend.generate(prompts(1))).hasSize(1);
            first.close();
            CompletionsServer[] restarted = new CompletionsServer[1];
            time.duringNextSleep = () -> {
                try {
                    restarted[0] = CompletionsServer.startOn(a, RemoteFixtures::echo);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            try {
                assertThat(backend.generate(prompts(1))).extracting(Generation::text)
                        .containsExactly("echo [INST] prompt 0 [/INST]");
                assertThat(restarted[0].requests()).as("the probe, which was the waiting request").hasSize(1);
                assertThat(time.sleeps).hasSize(1);
                assertThat(status(backend, a).health()).isEqualTo(Fleet.Health.UP);
            } finally {
                if (restarted[0] != null) {
                    restarted[0].close();
                }
            }
        }
    }

    @Test
    void whenAFleetThatWasUpStaysDownTheRequestWaitsAtMostTheRequestTimeoutThenNamesEachEndpoint() throws Exception {
        CompletionsServer one = CompletionsServer.start(RemoteFixtures::echo);
        CompletionsServer two = CompletionsServer.start(RemoteFixtures::echo);
        URI a = one.base();
        URI b = two.base();
        try (RemoteBackend backend = backend(config(a, b).build())) {
            assertThat(backend.generate(prompts(4))).hasSize(4);
            one.close();
            two.close();

            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("every endpoint is down and none comes back within the request timeout")
                    .hasMessageContaining(a + " (down")
                    .hasMessageContaining(b + " (down")
                    .hasMessageContaining("connection failed");
            Duration waited = time.sleeps.stream().reduce(Duration.ZERO, Duration::plus);
            System.out.println("fleet down: waited " + time.sleeps + " = " + waited + " of fake time (request timeout 3 s)");
            assertThat(waited).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void theFastEndpointGetsClearlyMoreOfOneHundredConcurrentRequestsThanOneTenTimesSlower() throws Exception {
        try (CompletionsServer fast = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(10)));
             CompletionsServer slow = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(100)));
             RemoteBackend backend = new RemoteBackend(config(slow.base(), fast.base()).concurrency(8).build())) {
            List<Generation> out = backend.generate(prompts(100));

            System.out.printf("least outstanding: fast (10 ms) %d, slow (100 ms) %d of 100 requests%n",
                    fast.requests().size(), slow.requests().size());
            assertThat(out).hasSize(100);
            assertThat(fast.requests().size() + slow.requests().size()).isEqualTo(100);
            assertThat(fast.requests().size()).isGreaterThan(2 * slow.requests().size());
        }
    }

    @Test
    void oneEndpointNeverHasMoreInFlightThanEndpointConcurrency() throws Exception {
        try (CompletionsServer a = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(30)));
             CompletionsServer b = CompletionsServer.start(r -> echo(r).after(Duration.ofMillis(30)));
             RemoteBackend backend = backend(config(a.base(), b.base()).concurrency(8).endpointConcurrency(3).build())) {
            assertThat(backend.generate(prompts(40))).hasSize(40);

            assertThat(a.maxInFlight()).isLessThanOrEqualTo(3);
            assertThat(b.maxInFlight()).isLessThanOrEqualTo(3);
            assertThat(a.requests().size() + b.requests().size()).isEqualTo(40);
        }
    }

    @Test
    void thirtyRequestsAgainstAHangingJudgeCostOneTimeoutBudgetNotThirty() throws Exception {
        List<String> errors = new ArrayList<>();
        try (LogCapture log = new LogCapture(RemoteBackend.class);
             HangingServer hanging = new HangingServer();
             RemoteBackend backend = new RemoteBackend(config(hanging.base()).connectTimeout(Duration.ofMillis(300))
                     .requestTimeout(Duration.ofMillis(300)).maxRetries(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                     .build())) {
            long started = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                try {
                    backend.generate(prompts(1));
                } catch (BackendException e) {
                    errors.add(e.getMessage());
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("30 sequential requests against a hanging judge (request timeout 300 ms, 2 retries):"
                    + " %d ms, %d connections%n", millis, hanging.connections());

            assertThat(errors).hasSize(30);
            assertThat(errors.get(0)).contains("gave up after 3 attempts", "timed out", "autoj.timeout in JUnit");
            assertThat(errors.subList(1, 30)).allSatisfy(m -> assertThat(m)
                    .contains("was unreachable at", "requests fail at once", "timed out", "autoj.endpoints in JUnit"));
            // GET /v1/models at start, then the first request's three attempts; nothing for the other 29.
            assertThat(hanging.connections()).isLessThanOrEqualTo(4);
            assertThat(log.messages(Level.WARNING)).filteredOn(m -> m.contains("requests fail at once")).hasSize(1);
        }
    }

    @Test
    void afterTheBreakersCoolOffOneRequestProbesAndARecoveredJudgeClosesIt() throws Exception {
        URI judge = CompletionsServer.refusingEndpoint();
        try (RemoteBackend backend = backend(config(judge).circuitBreaker(Duration.ofSeconds(20), Duration.ofMinutes(1))
                .build())) {
            assertThatThrownBy(() -> backend.generate(prompts(1))).hasMessageContaining("every endpoint is down");
            assertThatThrownBy(() -> backend.generate(prompts(1)))
                    .hasMessageContaining("was unreachable at")
                    .hasMessageContaining("fail at once for another")
                    .hasMessageContaining("connection failed");

            try (CompletionsServer back = CompletionsServer.startOn(judge, RemoteFixtures::echo)) {
                assertThatThrownBy(() -> backend.generate(prompts(1))).hasMessageContaining("fail at once");
                assertThat(back.requests()).isEmpty();

                time.advance(Duration.ofSeconds(30));
                assertThat(backend.generate(prompts(1))).hasSize(1);
                assertThat(backend.generate(prompts(3))).hasSize(3);
                assertThat(back.requests()).hasSize(4);
            }
        }
    }
}
