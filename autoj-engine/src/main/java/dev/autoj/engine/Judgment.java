package dev.autoj.engine;

import dev.autoj.engine.internal.Components;
import dev.autoj.engine.protocol.Prompt;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One judgment by the judge: a pairwise verdict, a rating on its family's scale (Auto-J 1–10, Prometheus 2 1–5), or an explicit no-verdict with
 * its reason (exactly one of the three), together with the critique and where it came from.
 *
 * @param protocol single or pairwise
 * @param language the template language
 * @param scenario the scenario the request was judged in (metadata; Auto-J's prompt does not name it)
 * @param verdict the pairwise verdict as positions in the prompt the judge saw, or null
 * @param rating the single-response rating on the family's scale (Auto-J 1–10, Prometheus 2 1–5), or null
 * @param noVerdictReason why no verdict could be read, or null
 * @param critique the judge's critique: its output, trimmed
 * @param rawOutput the judge's output exactly as generated
 * @param promptSha256 SHA-256 of the exact prompt, lower-case hex
 * @param modelId the judge model, e.g. {@code "GAIR/autoj-13b"}
 * @param backend the back end that produced it, e.g. {@code "remote"}, {@code "onnx"}
 * @param provenance where the output comes from: a model run now, or the store (and what recorded it)
 * @param promptTokens prompt tokens, -1 when unknown
 * @param generatedTokens generated tokens, -1 when unknown
 * @param latency time the judge spent on this judgment (zero for a replay)
 * @param warnings notes for reports, e.g. judged text that contains verdict markers
 * @param prompt the exact prompt the judge saw, with the judged texts it was built from
 */
public record Judgment(
        Protocol protocol,
        Language language,
        Scenario scenario,
        Verdict verdict,
        Double rating,
        String noVerdictReason,
        String critique,
        String rawOutput,
        String promptSha256,
        String modelId,
        String backend,
        Provenance provenance,
        int promptTokens,
        int generatedTokens,
        Duration latency,
        List<String> warnings,
        Prompt prompt) {

    public Judgment {
        Components.requireNonNull("protocol language scenario rawOutput provenance prompt latency",
                protocol, language, scenario, rawOutput, provenance, prompt, latency);
        int present = (verdict != null ? 1 : 0) + (rating != null ? 1 : 0) + (noVerdictReason != null ? 1 : 0);
        if (present != 1) {
            throw new IllegalArgumentException("a judgment has exactly one of verdict, rating and no-verdict reason");
        }
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * Where the output comes from as one string: {@code "live:<backend>"} for a model run now,
     * {@code "replay:<origin>"} from the judgment store (e.g. {@code "replay:published:auto-j-testbed"}),
     * {@code "not-sent:<backend>"} for a prompt refused before it was sent (too long for the context window).
     */
    public String source() {
        return provenance.describe();
    }

    public Optional<Verdict> optionalVerdict() {
        return Optional.ofNullable(verdict);
    }

    public OptionalDouble optionalRating() {
        return rating == null ? OptionalDouble.empty() : OptionalDouble.of(rating);
    }

    public Optional<String> optionalNoVerdictReason() {
        return Optional.ofNullable(noVerdictReason);
    }

    /** True when the judge's output held no readable verdict or rating. */
    public boolean isNoVerdict() {
        return noVerdictReason != null;
    }
}
