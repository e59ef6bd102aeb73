package dev.autoj.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.Safetensors;
import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import dev.autoj.onnx.internal.checkpoint.TorchBin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autoj convert}: PyTorch {@code .bin} weights to safetensors, one tensor at a time, e.g.
 * {@code convert --model models/autoj-13b --out models/autoj-13b-st}. The pickles are read with
 * the restricted unpickler of {@link TorchBin} (nothing in them is executed) and each tensor's
 * bytes are copied file to file, so memory use does not grow with the model.
 */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Convert a Hugging Face folder's PyTorch weights (pytorch_model.bin, or the shards of",
            "pytorch_model.bin.index.json) to safetensors (model.safetensors, or model-0000N-of-0000M.safetensors",
            "with model.safetensors.index.json), streaming tensor by tensor. Other files (config.json, tokenizer",
            "files) are copied. Nothing in the pickles is executed."})
final class ConvertCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "folder with the .bin weights")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "folder for the safetensors weights (created; may be --model itself)")
    Path out;

    @Override
    public Integer call() {
        try {
            List<Path> shards = shards();
            if (Files.isDirectory(out)) {
                try (Stream<Path> existing = Files.list(out)) {
                    List<String> clash = existing.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".safetensors") || n.equals("model.safetensors.index.json")).toList();
                    if (!clash.isEmpty()) {
                        return fail("--out " + out + " already holds safetensors weights " + clash
                                + "; choose an empty folder or remove them first", ExitCode.BAD_INPUT);
                    }
                }
            }
            Files.createDirectories(out);
            ObjectNode index = JSON.createObjectNode();
            ObjectNode weightMap = JSON.createObjectNode();
            long totalBytes = 0;
            int tensorCount = 0;
            for (int i = 0; i < shards.size(); i++) {
                String name = shards.size() == 1 ? "model.safetensors"
                        : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
                List<StoredTensor> tensors = TorchBin.read(shards.get(i));
                Safetensors.write(out.resolve(name), tensors);
                for (StoredTensor t : tensors) {
                    weightMap.put(t.name(), name);
                    totalBytes += t.end() - t.begin();
                }
                tensorCount += tensors.size();
                spec.commandLine().getErr().printf(Locale.ROOT, "%s -> %s (%d tensors)%n",
                        shards.get(i).getFileName(), name, tensors.size());
            }
            if (shards.size() > 1) {
                index.putObject("metadata").put("total_size", totalBytes);
                index.set("weight_map", weightMap);
                Files.writeString(out.resolve("model.safetensors.index.json"), JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(index));
            }
            copyOtherFiles();
            spec.commandLine().getOut().printf(Locale.ROOT, "converted %d tensors (%d bytes) from %d file%s into %s%n",
                    tensorCount, totalBytes, shards.size(), shards.size() == 1 ? "" : "s", out);
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        } catch (BackendException e) {
            return fail(e.getMessage(), ExitCode.BAD_INPUT);
        } catch (IOException e) {
            return fail("cannot write " + out + ": " + e, ExitCode.FAILURE);
        }
    }

    /** The .bin files, in shard order; fails naming what is missing. */
    private List<Path> shards() throws IOException {
        Path index = model.resolve("pytorch_model.bin.index.json");
        Path single = model.resolve("pytorch_model.bin");
        if (Files.isRegularFile(index)) {
            JsonNode map;
            try {
                map = JSON.readTree(Files.readAllBytes(index)).path("weight_map");
            } catch (JacksonException e) {
                throw new BackendException(index + " is not valid JSON: " + e.getOriginalMessage() + ".");
            }
            if (!map.isObject() || map.isEmpty()) {
                throw new BackendException(index + " has no \"weight_map\" naming each tensor's shard.");
            }
            TreeSet<String> names = new TreeSet<>();
            map.properties().forEach(e -> names.add(e.getValue().asText()));
            List<Path> shards = new ArrayList<>();
            for (String name : names) {
                Path shard = model.resolve(name).normalize();
                if (!shard.startsWith(model.normalize()) || !Files.isRegularFile(shard)) {
                    throw new BackendException("Shard " + name + " listed in " + index + " is missing from " + model
                            + ". Download it, then convert again.");
                }
                shards.add(shard);
            }
            return shards;
        }
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        throw new BackendException("No PyTorch weights in " + model + ": expected pytorch_model.bin or "
                + "pytorch_model.bin.index.json with its shards.");
    }

    private void copyOtherFiles() throws IOException {
        if (Files.isSameFile(model, out)) {
            return;
        }
        try (Stream<Path> files = Files.list(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                boolean weights = name.endsWith(".bin") || name.equals("pytorch_model.bin.index.json")
                        || name.endsWith(".safetensors") || name.equals("model.safetensors.index.json");
                if (!weights && !Files.exists(out.resolve(name))) {
                    Files.copy(file, out.resolve(name));
                }
            }
        }
    }

    private int fail(String message, int code) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message.replace("\n", " "));
        spec.commandLine().getErr().flush();
        return code;
    }
}
