package dev.autoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.TokenGeneration;
import dev.autoj.onnx.WeightClass;
import dev.autoj.onnx.internal.bench.Int4KernelProbe;
import dev.autoj.onnx.internal.bench.MatVecProbe;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code autoj bench}: speed of the embedded engine on a synthetic random model of a chosen size
 * against this machine's memory bandwidth, measured by the same run, e.g.
 * {@code bench --size 1G --dtype fp32 --json}.
 *
 * <p>Batch-1 decoding of a large model reads every weight once per token, so its speed is bound
 * by memory bandwidth: {@code bandwidth_ratio} = weight bytes read per step × steps per second ÷
 * measured bandwidth says how close the engine runs to that bound, comparably across machines.
 * Speeds are the best of their runs; the bandwidth is the best of probes run before the model is
 * loaded and after it is closed (an idle ONNX Runtime thread pool spins for a while and would
 * steal cores from a probe run beside it). The probe is {@link MatVecProbe}, ONNX Runtime's own
 * matrix-vector kernel over 512 MB: plain Java read loops reach about half of what the hardware
 * gives (bounds checks, no wide loads), which made the ratio come out near 2. Against a plain
 * native C read loop ({@code src/test/c/readprobe.c}) this probe read 1 % less to 13 % more at low
 * load (ONNX Runtime's kernel streams better than the simple loop), docs/onnx-backend.md "Speed
 * and memory".
 * Time to first token and peak memory are measured in fresh child processes ({@link FirstToken}).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the embedded ONNX engine on a synthetic random LLaMA-shaped model (no download):",
            "prefill tokens/s, decode tokens/s at batch 1 and 8, and batch-1 weight bytes streamed per second",
            "as a share of this machine's memory bandwidth (measured by the same command). With --json one line:",
            "{\"model_bytes\",\"prefill_tokens_per_s\",\"decode_tokens_per_s_batch1\",\"decode_tokens_per_s_batch8\","
                    + "\"measured_bandwidth_bytes_per_s\",\"bandwidth_ratio\",\"route\",\"session_weight_bytes\","
                    + "\"time_to_first_token_s\",\"peak_rss_bytes\",\"time_to_first_token_parts_s\",\"cold_time_to_first_token_s\","
                    + "\"cold_peak_rss_bytes\",\"cold_time_to_first_token_parts_s\",\"session_weights\",\"judgment\",\"int4_kernel\"}",
            "Time to first token (16-token prompt) and peak resident memory are measured in fresh processes on the",
            "model just benchmarked: once before anything else opens it (cold: empty caches, the weights converted",
            "or quantized into the cache) and three times after (warm); the parts are jvm, ort_init, graph, weights,",
            "session, open_other, prefill. session_weights gives the bytes of each class of weights (linear, head,",
            "embedding, norms), their form and why they stay at that width. With --judgment-tokens N, judgment gives",
            "what one pairwise judgment in both orders costs: two N-token prompts decoded as one batch for up to",
            BenchCommand.JUDGMENT_CRITIQUE + " tokens each (a critique's length), with prefill and decoding timed apart and the"
                    + " decoding rate at that context. With --dtype int4, int4_kernel gives what ONNX Runtime's 4-bit kernel",
            "reaches alone on the model's layer shape (its weights read per second at batch 1, as a share of the bandwidth,",
            "its batch-8 speed-up) and the engine's batch-1 decoding as a share of that kernel: the ceiling the engine runs under."})
final class BenchCommand implements Callable<Integer> {

    static final int BATCH = 8;

    /** Tokens each order of the --judgment-tokens run may generate: about an Auto-J critique. */
    static final int JUDGMENT_CRITIQUE = 200;

    @Spec
    CommandSpec spec;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "1G",
            description = "F32 size of the synthetic model, e.g. 1G, 512M, 2.6G: as many layers as fit (at least one); "
                    + "from 2.5G on the real model's dimensions (2.6G: one layer): Auto-J-13B's with --shape 13b (52G: 43 layers), "
                    + "Yi-6B's with --shape 6b (22.6G: all 32 layers, 24.24 GB); default: ${DEFAULT-VALUE}")
    String size;

    @Option(names = "--shape", paramLabel = "13b|6b", defaultValue = "13b",
            description = "whose shape the synthetic model takes: 13b, Auto-J-13B (LLaMA-2-13B: 40 heads each with its own "
                    + "key/value head, rope theta 10000, vocab 32000), or 6b, Auto-J bilingual 6B (Yi-6B: 32 query heads "
                    + "sharing 4 key/value heads, rope theta 5000000, at every size; vocab 64000 from 2.5G on); default: ${DEFAULT-VALUE}")
    String shapeName;

    @Option(names = "--stored", paramLabel = "f32|f16|bin", defaultValue = "f32",
            description = "how the synthetic checkpoint is written: f32 or f16 safetensors (f16 as released checkpoints "
                    + "such as Auto-J-13B's), or bin: fp16 PyTorch .bin as GAIR released Auto-J-13B, one pytorch_model.bin "
                    + "up to 10 GB (10^10 bytes) of fp16 weights, above that pytorch_model-0000K-of-0000N.bin shards of at most "
                    + "10 GB each with pytorch_model.bin.index.json (3 shards at --size 52G); --size stays the F32 size "
                    + "of the model; default: ${DEFAULT-VALUE}")
    String stored;

    @Option(names = "--dtype", paramLabel = "fp32|fp16|int4", defaultValue = "fp32", description = "weight type (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--device", paramLabel = "auto|cuda|cpu", defaultValue = "cpu", description = "execution device (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--route", paramLabel = "auto|step|loop", defaultValue = "auto",
            description = "decoding route: step (one run per token), loop (one run per batch) or auto (default: ${DEFAULT-VALUE})")
    String route;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "128", description = "prefill length (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--new-tokens", paramLabel = "N", defaultValue = "32", description = "tokens decoded per sequence (default: ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--judgment-tokens", paramLabel = "N", defaultValue = "0",
            description = "also time one pairwise judgment: both orders' N-token prompts as one batch, up to "
                    + JUDGMENT_CRITIQUE + " new tokens each (0: not run; default: ${DEFAULT-VALUE})")
    int judgmentTokens;

    @Option(names = "--dir", paramLabel = "DIR", description = "where to write the model and its built graph (default: a temporary folder, deleted)")
    Path dir;

    @Option(names = "--json", description = "print one JSON line")
    boolean json;

    /** The figures of one run. */
    record Result(long modelBytes, long streamedBytesPerStep, double prefillTokensPerSecond, double decodeBatch1,
            double decodeBatch8, double bandwidth, double bandwidthRatio, String device, double loadAverage, String route,
            long sessionWeightBytes, JsonNode firstToken, JsonNode coldStart, List<WeightClass> weights, JsonNode judgment,
            Int4KernelProbe kernel) {
    }

    /** Fresh processes timed to their first token; the median by time to first token is reported. */
    static final int FIRST_TOKEN_RUNS = 3;

    /**
     * Engine settings given to this JVM that the first-token processes must run with too. Not
     * {@code onnxruntime.native.path}: the engine sets it in this JVM to a folder of the cache it
     * was opened with (maybe since deleted), and each child finds its own in the bench's cache.
     */
    private static final List<String> FORWARDED_PROPERTIES = List.of("autoj.onnx.fp32Prepacking", "autoj.onnx.packedWeightCache", "autoj.onnx.splitSessions",
            "autoj.onnx.int4Head", OrtRuntime.SHARED_THREADS_PROPERTY);

    /** Prompt length of the time-to-first-token runs (one new token). */
    static final int FIRST_TOKEN_PROMPT = 16;

    @Override
    public Integer call() {
        long bytes = parseSize(size);
        Dtype type;
        Device where;
        OnnxOptions.Route way;
        try {
            type = Dtype.parse(dtype);
            where = Device.parse(device);
            way = switch (route.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> OnnxOptions.Route.AUTO;
                case "step" -> OnnxOptions.Route.STEP;
                case "loop" -> OnnxOptions.Route.LOOP;
                default -> throw new IllegalArgumentException("--route " + route + " is not a route; use auto, step or loop");
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String storedType = stored.strip().toUpperCase(Locale.ROOT);
        if (!List.of("F32", "F16", "BIN").contains(storedType)) {
            throw new ParameterException(spec.commandLine(), "--stored " + stored + " is not f32, f16 or bin");
        }
        shapeBase();
        if (promptTokens < 2 || newTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--prompt-tokens and --new-tokens must be at least 2");
        }
        if (judgmentTokens != 0 && judgmentTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--judgment-tokens must be 0 (not run) or at least 2");
        }
        PrintWriter err = spec.commandLine().getErr();
        Path work = dir;
        boolean temporary = work == null;
        try {
            if (temporary) {
                work = Files.createTempDirectory("autoj-bench");
            }
            Result result = run(work, bytes, type, where, way, err);
            BenchReport.print(result, json, dtype, spec.commandLine().getOut());
            return ExitCode.OK;
        } catch (BackendException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage().replace("\n", " "));
            err.flush();
            return ExitCode.BAD_INPUT;
        } catch (IOException | UncheckedIOException e) {
            err.println(spec.qualifiedName() + ": cannot write the synthetic model into " + work + ": " + e.getMessage());
            err.flush();
            return ExitCode.FAILURE;
        } finally {
            if (temporary && work != null) {
                deleteTree(work);
            }
        }
    }

    private Result run(Path work, long bytes, Dtype type, Device where, OnnxOptions.Route way, PrintWriter log)
            throws IOException {
        // Bandwidth is measured with no model session open: an idle ONNX Runtime thread pool
        // spins for a while after each run and would steal cores from the probe.
        double before = MatVecProbe.bytesPerSecond();
        progress(log, String.format(Locale.ROOT, "memory bandwidth %.1f GB/s", before / 1e9));
        SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.ofSize(bytes, shapeBase());
        // ONNX Runtime's 4-bit kernel alone on this model's layer shape: the ceiling of batch-1 decoding with it
        Int4KernelProbe kernel = null;
        if (type == Dtype.INT4 && where != Device.CUDA) {
            int kvWidth = shape.hidden() / shape.heads() * shape.kvHeads();
            if (Int4KernelProbe.layersFor(shape.hidden(), kvWidth, shape.intermediate()) > Int4KernelProbe.MAX_LAYERS) {
                progress(log, "4-bit kernel not measured alone: this model's layers are too small to outgrow the caches");
            } else {
                kernel = Int4KernelProbe.measure(shape.hidden(), kvWidth, shape.intermediate());
            }
        }
        if (kernel != null) {
            progress(log, String.format(Locale.ROOT, "4-bit kernel alone: %.1f GB/s at batch 1 (%.3f of the bandwidth), batch 8 %.2fx",
                    kernel.batch1BytesPerSecond() / 1e9, kernel.batch1BytesPerSecond() / before, kernel.batch8Speedup()));
        }
        Path model = work.resolve("model");
        String storedType = stored.strip().toUpperCase(Locale.ROOT);
        long storedBytes = storedType.equals("BIN")
                ? SyntheticCheckpoint.writeTorchBin(model, shape, 42, SyntheticCheckpoint.TORCH_SHARD_BYTES)
                : SyntheticCheckpoint.write(model, shape, 42, storedType);
        long modelBytes = storedType.equals("F32") ? storedBytes : storedBytes * 2;
        progress(log, String.format(Locale.ROOT, "wrote a %.2f GB %s model shaped like %s: hidden %d, intermediate %d, %d heads "
                + "(%d key/value), %d layers, vocab %d, rope theta %.0f", storedBytes / 1e9, storedType.equals("BIN") ? "fp16 .bin" : storedType,
                shapeBase().cliName(), shape.hidden(), shape.intermediate(), shape.heads(), shape.kvHeads(), shape.layers(), shape.vocab(),
                shape.ropeTheta()));
        // the cold start (graph built, weights converted or quantized into the cache) in a fresh
        // process first, so its peak memory is the loader's alone; the runs after it start warm
        JsonNode cold = null;
        if (where != Device.CUDA) {
            if (Files.exists(work.resolve("cache"))) {
                warn(log, "cold start not measured: " + work.resolve("cache") + " already exists (a --dir used before); "
                        + "give a fresh --dir to measure it");
            } else {
                cold = firstToken(model, work.resolve("cache"), type, way.name(), log, 1);
            }
        }
        OnnxOptions options = OnnxOptions.of(model).withDtype(type).withDevice(where).withCacheDir(work.resolve("cache"))
                .withMaxBatchSize(BATCH).withMaxNewTokens(Math.max(newTokens, judgmentTokens > 0 ? JUDGMENT_CRITIQUE : 1)).withRoute(way);
        long start = System.nanoTime();
        long streamed;
        long sessionWeights;
        List<WeightClass> weights;
        String device;
        String routeTaken;
        double[] result;
        JsonNode judgment = null;
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            progress(log, String.format(Locale.ROOT, "session on %s in %.1f s, route %s", backend.device(),
                    (System.nanoTime() - start) / 1e9, backend.route().name().toLowerCase(Locale.ROOT)));
            Random random = new Random(7);
            backend.generateIds(prompt(random, 8, shape.vocab()), 2);
            double prefill = 0;
            for (int i = 0; i < 2; i++) {
                TokenGeneration g = backend.generateIds(prompt(random, promptTokens, shape.vocab()), 1);
                // the loop route runs prefill and decoding as one run: a 1-token run is the prefill and the first pick
                prefill = Math.max(prefill, promptTokens * 1e9 / (g.prefillNanos() > 0 ? g.prefillNanos() : g.decodeNanos()));
            }
            progress(log, String.format(Locale.ROOT, "prefill %.1f tokens/s", prefill));
            double batch1 = 0;
            for (int i = 0; i < 3; i++) {
                batch1 = Math.max(batch1, decodeRate(backend, List.of(prompt(random, 16, shape.vocab()))));
            }
            progress(log, String.format(Locale.ROOT, "decode batch 1: %.2f tokens/s", batch1));
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                prompts.add(prompt(random, 16, shape.vocab()));
            }
            double batch8 = decodeRate(backend, prompts);
            progress(log, String.format(Locale.ROOT, "decode batch %d: %.2f tokens/s", BATCH, batch8));
            if (judgmentTokens > 0) {
                judgment = judgment(backend, List.of(prompt(random, judgmentTokens, shape.vocab()),
                        prompt(random, judgmentTokens, shape.vocab())));
                progress(log, String.format(Locale.ROOT, "a pairwise judgment of %d-token prompts: %.1f s",
                        judgmentTokens, judgment.get("wall_s").asDouble()));
            }
            routeTaken = backend.route().name().toLowerCase(Locale.ROOT);
            streamed = backend.weightBytesPerStep();
            // every initializer the session holds, by class: what is read per step plus the embedding table (only gathered)
            weights = backend.sessionWeights();
            sessionWeights = weights.stream().mapToLong(WeightClass::bytes).sum();
            device = backend.device().name().toLowerCase(Locale.ROOT);
            result = new double[] {prefill, batch1, batch8};
        }
        double after = MatVecProbe.bytesPerSecond();
        progress(log, String.format(Locale.ROOT, "memory bandwidth %.1f GB/s after the model was closed", after / 1e9));
        double bandwidth = Math.max(before, after);
        JsonNode first = where == Device.CUDA ? null
                : firstToken(model, work.resolve("cache"), type, routeTaken.toUpperCase(Locale.ROOT), log, FIRST_TOKEN_RUNS);
        return new Result(modelBytes, streamed, result[0], result[1], result[2], bandwidth, streamed * result[1] / bandwidth,
                device, loadAverage(), routeTaken, sessionWeights, first, cold, weights, judgment, kernel);
    }

    /** The model whose shape {@code --shape} names; a usage error naming the choices for any other. */
    private SyntheticCheckpoint.Base shapeBase() {
        String name = shapeName.strip().toLowerCase(Locale.ROOT);
        for (SyntheticCheckpoint.Base base : SyntheticCheckpoint.Base.values()) {
            if (base.cliName().equals(name)) {
                return base;
            }
        }
        throw new ParameterException(spec.commandLine(), "--shape " + shapeName + " is not a shape; use 13b (Auto-J-13B) "
                + "or 6b (Auto-J bilingual 6B)");
    }

    /** A figure that could not be measured: said on stderr even with --json, whose line then lacks it. */
    private static void warn(PrintWriter log, String line) {
        log.println("bench: " + line);
        log.flush();
    }

    private void progress(PrintWriter log, String line) {
        if (!json) {
            log.println("bench: " + line);
            log.flush();
        }
    }

    private static int[] prompt(Random random, int length, int vocab) {
        int[] ids = new int[length];
        ids[0] = 1;
        for (int i = 1; i < length; i++) {
            ids[i] = 3 + random.nextInt(vocab - 3);
        }
        return ids;
    }

    /**
     * Decoding tokens per second for {@code prompts} as one batch of {@code newTokens} each. The
     * step route times decoding apart from the prefill; the loop route cannot (one run), so it
     * runs the batch once for one token (prefill and first pick) and subtracts that time.
     */
    private double decodeRate(OnnxBackend backend, List<int[]> prompts) {
        List<TokenGeneration> batch = backend.generateIds(prompts, newTokens);
        if (backend.route() == OnnxOptions.Route.STEP) {
            return decodeRate(batch);
        }
        long first = 0;
        for (TokenGeneration g : backend.generateIds(prompts, 1)) {
            first = Math.max(first, g.decodeNanos());
        }
        long tokens = 0;
        long nanos = 0;
        for (TokenGeneration g : batch) {
            tokens += g.ids().length - 1 + (g.stopReason() == StopReason.EOS ? 1 : 0);
            nanos = Math.max(nanos, g.decodeNanos());
        }
        if (tokens <= 0 || nanos <= 0) {
            return 0;
        }
        // on a toy model the difference can drown in timing noise; then the whole run's rate, which
        // counts the prefill as decoding time (a lower bound)
        return nanos > first ? tokens * 1e9 / (nanos - first) : tokens * 1e9 / nanos;
    }

    /**
     * One pairwise judgment's cost: both orders' prompts as one batch, as the judge sends them. The
     * prompts are prefilled one after the other; {@code decode_tokens_per_s} is each sequence's
     * tokens after the first over its decoding time (batch 2, at the prompts' context).
     */
    private static JsonNode judgment(OnnxBackend backend, List<int[]> orders) {
        long start = System.nanoTime();
        List<TokenGeneration> both = backend.generateIds(orders, JUDGMENT_CRITIQUE);
        long wall = System.nanoTime() - start;
        com.fasterxml.jackson.databind.node.ObjectNode out = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        out.put("prompt_tokens", orders.get(0).length);
        com.fasterxml.jackson.databind.node.ArrayNode generated = out.putArray("new_tokens");
        both.forEach(g -> generated.add(g.ids().length));
        out.put("wall_s", Math.round(wall / 1e6) / 1e3);
        out.put("prefill_s", Math.round(both.get(0).prefillNanos() / 1e6) / 1e3);
        out.put("decode_s", Math.round(both.stream().mapToLong(TokenGeneration::decodeNanos).max().orElse(0) / 1e6) / 1e3);
        out.put("decode_tokens_per_s", Math.round(decodeRate(both) / both.size() * 1000) / 1000.0);
        return out;
    }

    /** Decoded tokens after the first, over the time the batch took for them. */
    static double decodeRate(List<TokenGeneration> batch) {
        long tokens = 0;
        long nanos = 0;
        for (TokenGeneration g : batch) {
            tokens += g.ids().length - 1 + (g.stopReason() == StopReason.EOS ? 1 : 0);
            nanos = Math.max(nanos, g.decodeNanos());
        }
        return tokens <= 0 || nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }

    /**
     * Time to first token and peak memory of a fresh process on the model just benchmarked (its
     * graph and weight caches now warm, or, before the first open, cold): {@link FirstToken} run
     * {@code runs} times in child JVMs of this one, the median by time to first token returned.
     * Null when the child cannot be started (then the run reports no figure rather than a wrong one).
     */
    private JsonNode firstToken(Path model, Path cache, Dtype type, String routeName, PrintWriter log, int runs) {
        String javaCommand = ProcessHandle.current().info().command().orElse(null);
        if (javaCommand == null) {
            warn(log, "time to first token not measured: the java command of this process is unknown");
            return null;
        }
        List<JsonNode> measured = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < runs; i++) {
            try {
                Path errors = cache.resolveSibling("first-token.err");
                List<String> command = new ArrayList<>(List.of(javaCommand, "-cp", System.getProperty("java.class.path")));
                for (String property : FORWARDED_PROPERTIES) {
                    if (System.getProperty(property) != null) {
                        command.add("-D" + property + "=" + System.getProperty(property));
                    }
                }
                command.addAll(List.of(FirstToken.class.getName(), model.toString(), cache.toString(), type.name(),
                        routeName, Integer.toString(FIRST_TOKEN_PROMPT), Long.toString(System.nanoTime())));
                Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                child.getOutputStream().close();
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (child.waitFor() != 0) {
                    warn(log, "time to first token not measured: the child process failed: "
                            + Files.readString(errors, StandardCharsets.UTF_8).strip());
                    return null;
                }
                JsonNode run = mapper.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
                progress(log, "first token in a fresh process: " + run);
                measured.add(run);
            } catch (IOException e) {
                warn(log, "time to first token not measured: " + e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        measured.sort(Comparator.comparingDouble(r -> r.get("time_to_first_token_s").asDouble()));
        return measured.get(measured.size() / 2);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** {@code 1G}, {@code 512M}, {@code 2.6G}, {@code 300K} or plain bytes (powers of 1024). */
    long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty() && "KMG".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMG".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            double value = Double.parseDouble(t);
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--size " + text + " is not a size; use e.g. 1G, 512M or 2.6G");
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the benchmark folder " + root + "; delete it by hand", e);
        }
    }
}
