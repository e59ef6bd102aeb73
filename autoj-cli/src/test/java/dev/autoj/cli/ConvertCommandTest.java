package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.onnx.TinyLlama;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.Safetensors;
import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import dev.autoj.onnx.internal.bench.TorchSave;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConvertCommandTest {

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new ConvertCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static byte[] bytes(StoredTensor t) {
        ByteBuffer data = t.map();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    /** A .bin copy of the tiny model's safetensors, in {@code shards} files (with an index when more than one). */
    private Path binFolder(TinyLlama model, int shards) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("bin"));
        Files.copy(model.dir.resolve("config.json"), dir.resolve("config.json"));
        List<StoredTensor> tensors = Safetensors.read(model.dir.resolve("model.safetensors"));
        int per = (tensors.size() + shards - 1) / shards;
        StringBuilder map = new StringBuilder();
        for (int s = 0; s < shards; s++) {
            String file = shards == 1 ? "pytorch_model.bin" : String.format("pytorch_model-%05d-of-%05d.bin", s + 1, shards);
            List<TorchSave.Item> items = new ArrayList<>();
            Map<String, byte[]> storages = new LinkedHashMap<>();
            for (StoredTensor t : tensors.subList(s * per, Math.min(tensors.size(), (s + 1) * per))) {
                String key = String.valueOf(storages.size());
                storages.put(key, bytes(t));
                items.add(TorchSave.Item.contiguous(t.name(), t.dtype(), t.shape(), key));
                map.append(map.length() == 0 ? "" : ",").append('"').append(t.name()).append("\":\"").append(file).append('"');
            }
            TorchSave.write(dir.resolve(file), items, storages, s == 0);
        }
        if (shards > 1) {
            Files.writeString(dir.resolve("pytorch_model.bin.index.json"), "{\"weight_map\":{" + map + "}}");
        }
        return dir;
    }

    private static void assertSameTensors(List<StoredTensor> actual, List<StoredTensor> expected) {
        Map<String, StoredTensor> byName = new LinkedHashMap<>();
        actual.forEach(t -> byName.put(t.name(), t));
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(StoredTensor::name).toList());
        for (StoredTensor e : expected) {
            StoredTensor a = byName.get(e.name());
            assertThat(a.dtype()).isEqualTo(e.dtype());
            assertThat(a.shape()).isEqualTo(e.shape());
            assertThat(bytes(a)).as(e.name()).isEqualTo(bytes(e));
        }
    }

    @Test
    @DisplayName("a single pytorch_model.bin becomes model.safetensors with the same tensors, and config.json comes along")
    void singleFileConverts() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 41);
        Path bin = binFolder(model, 1);
        Path converted = temp.resolve("st");
        int code = run("--model", bin.toString(), "--out", converted.toString());
        assertThat(code).as(err.toString()).isZero();
        int tensors = Safetensors.read(model.dir.resolve("model.safetensors")).size();
        assertThat(out.toString()).contains("converted " + tensors + " tensors").contains("from 1 file into");
        assertSameTensors(Safetensors.read(converted.resolve("model.safetensors")),
                Safetensors.read(model.dir.resolve("model.safetensors")));
        assertThat(converted.resolve("config.json")).exists();
        assertThat(converted.resolve("pytorch_model.bin")).doesNotExist();
        assertThat(Checkpoint.open(converted).tensor("model.norm.weight", 64).file().getFileName().toString())
                .isEqualTo("model.safetensors");
    }

    @Test
    void shardsConvertShardForShardWithAnIndex() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 42);
        Path bin = binFolder(model, 3);
        Path converted = temp.resolve("st");
        assertThat(run("--model", bin.toString(), "--out", converted.toString())).as(err.toString()).isZero();
        List<StoredTensor> all = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            all.addAll(Safetensors.read(converted.resolve(String.format("model-%05d-of-00003.safetensors", s))));
        }
        assertSameTensors(all, Safetensors.read(model.dir.resolve("model.safetensors")));
        assertThat(Files.readString(converted.resolve("model.safetensors.index.json")))
                .contains("\"model.norm.weight\" : \"model-00003-of-00003.safetensors\"").contains("total_size");
        Checkpoint.open(converted); // the index and the shards belong together
    }

    @Test
    void folderWithoutBinWeightsIsABadInput() {
        int code = run("--model", temp.toString(), "--out", temp.resolve("st").toString());
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString()).contains("No PyTorch weights in").contains("pytorch_model.bin");
    }

    @Test
    void existingSafetensorsInTheOutputAreNotOverwritten() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 43);
        Path bin = binFolder(model, 1);
        byte[] before = Files.readAllBytes(model.dir.resolve("model.safetensors"));
        int code = run("--model", bin.toString(), "--out", model.dir.toString());
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString()).contains("already holds safetensors weights [model.safetensors]");
        assertThat(Files.readAllBytes(model.dir.resolve("model.safetensors"))).isEqualTo(before);
    }

    @Test
    void maliciousPickleFailsTheConversionNamingTheGlobal() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("evil"));
        byte[] pickle = {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', 'X', 2, 0, 0, 0, 'l', 's',
            (byte) 0x85, 'R', '.'};
        TorchSave.writeZip(dir.resolve("pytorch_model.bin"), Map.of("archive/data.pkl", pickle), false);
        int code = run("--model", dir.toString(), "--out", temp.resolve("st").toString());
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString()).contains("os.system").contains("Nothing was executed");
        assertThat(temp.resolve("st").resolve("model.safetensors")).doesNotExist();
    }
}
