package dev.autoj.engine.internal;

import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.protocol.PromptBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A back end that answers each single-response prompt of the Auto-J testbed with Auto-J-13B's
 * published output for exactly that prompt (critique_example_output.jsonl): real judge texts, no
 * model run. Any other prompt is refused. The testbed publishes neither stop reasons nor token
 * counts, so generations report EOS and -1 tokens. Records every batch it receives.
 */
public final class PublishedOutputsBackend implements Backend {

    public static final String MODEL_ID = "GAIR/autoj-13b";

    private final Map<String, String> outputs = new HashMap<>();
    private final List<AutoJTestbed.SingleItem> items;
    public final List<List<GenerationRequest>> batches = new CopyOnWriteArrayList<>();

    /** Over the testbed in ../shared; skips the calling test when it is absent. */
    public PublishedOutputsBackend() {
        this(SharedFiles.testbed("critique_example_output.jsonl").getParent());
    }

    public PublishedOutputsBackend(java.nio.file.Path testbed) {
        items = AutoJTestbed.single(testbed);
        for (AutoJTestbed.SingleItem item : items) {
            outputs.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.output());
        }
    }

    public List<AutoJTestbed.SingleItem> items() {
        return items;
    }

    @Override
    public String name() {
        return "published-outputs";
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        batches.add(List.copyOf(requests));
        List<Generation> result = new ArrayList<>(requests.size());
        for (GenerationRequest request : requests) {
            String output = outputs.get(request.prompt());
            if (output == null) {
                throw new BackendException("No published Auto-J output for the prompt starting \""
                        + request.prompt().substring(0, Math.min(80, request.prompt().length())) + "\"");
            }
            result.add(new Generation(output, StopReason.EOS, -1, -1, Duration.ZERO));
        }
        return result;
    }
}
