package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.CompletionsServer.completion;

import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.CompletionsServer.Recorded;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** What the remote back end's tests set up alike: the client on fake time, its settings, prompts, an echoing server. */
final class RemoteFixtures {

    private RemoteFixtures() {
    }

    /** The client on {@code time} (it sleeps and reads the clock there), with no bearer token and jitter ½. */
    static RemoteBackend backend(RemoteConfig config, FakeTime time) {
        return new RemoteBackend(config, name -> null, time, () -> 0.5, time);
    }

    /** Settings for {@code endpoints}: a 2 s connect timeout, then the given request timeout and longest backoff. */
    static RemoteConfig.Builder config(Duration requestTimeout, Duration longestBackoff, URI... endpoints) {
        return RemoteConfig.builder()
                .endpoints(List.of(endpoints))
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(requestTimeout)
                .backoff(Duration.ofMillis(100), longestBackoff);
    }

    /** {@code count} distinct Auto-J-shaped prompts with the 1024-token budget. */
    static List<GenerationRequest> prompts(int count) {
        return IntStream.range(0, count).mapToObj(i -> new GenerationRequest("[INST] prompt " + i + " [/INST]", 1024))
                .collect(Collectors.toList());
    }

    /** Answers each prompt with a text derived from it, so that order and routing can be checked. */
    static CompletionsServer.Reply echo(Recorded request) {
        String prompt = request.body().replaceAll(".*\"prompt\":\"([^\"]*)\".*", "$1");
        return completion("echo " + prompt, "stop", 10, 5);
    }

    /** The fleet's view of one endpoint. */
    static Fleet.Status status(RemoteBackend backend, URI endpoint) {
        return backend.fleetStatus().stream().filter(s -> s.endpoint().equals(endpoint)).findFirst().orElseThrow();
    }
}
