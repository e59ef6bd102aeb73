package dev.autoj.onnx.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.onnx.internal.bench.TorchSave;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The .bin reader on its own: layouts torch produces, layouts it refuses, and pickles that try to run code. */
class TorchBinTest {

    /**
     * The bytes CPython 3's {@code pickle.Pickler(protocol=2)} wrote for a state dict of four tensors
     * with torch's persistent ids, produced with stand-in {@code torch.FloatStorage} and
     * {@code torch._utils._rebuild_tensor_v2} (same module paths, so the same opcodes): "a.weight"
     * [2,3] and "a.bias" [2] at offset 4 share storage "0" (6 floats), "b.weight" [3,100] and an
     * empty tensor use storage "1" (300 floats); the OrderedDict carries {@code _metadata}. Unlike
     * {@link TorchSave}, CPython memoizes repeated strings ("storage", "cpu") and reads them back
     * with BINGET, which this pins.
     */
    private static final String CPYTHON_STATE_DICT = ""
            + "800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101285808000000612e776569676874710263"
            + "746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71032828580700000073746f726167657104"
            + "63746f7263680a466c6f617453746f726167650a71055801000000307106580300000063707571074b06747108514b004b02"
            + "4b038671094b034b0186710a8968002952710b74710c52710d5806000000612e62696173710e680328286804680568066807"
            + "4b0674710f514b044b028571104b01857111896800295271127471135271145808000000622e776569676874711568032828"
            + "68046805580100000031711668074d2c01747117514b004b034b648671184b644b018671198968002952711a74711b52711c"
            + "5805000000656d707479711d6803282868046805681668074d2c0174711e514b004b0085711f4b0185712089680029527121"
            + "747122527123757d712458090000005f6d65746164617461712568002952712628580000000071277d712858070000007665"
            + "7273696f6e71294b0173580100000061712a7d712b68294b01737573622e";

    @TempDir
    Path temp;

    private static byte[] floats(int n) {
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out.putFloat(i + 0.5f);
        }
        return out.array();
    }

    private Path zipWithPickle(byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((key, bytes) -> entries.put("archive/data/" + key, bytes));
        Path file = temp.resolve("pytorch_model.bin");
        TorchSave.writeZip(file, entries, false);
        return file;
    }

    @Test
    @DisplayName("reads the pickle CPython writes for a state dict, with shared storages, offsets and an empty tensor")
    void readsCPythonsPickleOfAStateDict() {
        byte[] storage0 = floats(6);
        byte[] storage1 = floats(300);
        Path file = zipWithPickle(HexFormat.of().parseHex(CPYTHON_STATE_DICT), Map.of("0", storage0, "1", storage1));
        List<StoredTensor> tensors = TorchBin.read(file);
        assertThat(tensors).extracting(StoredTensor::name).containsExactly("a.weight", "a.bias", "b.weight", "empty");
        assertThat(tensors.get(0).shape()).containsExactly(2, 3);
        assertThat(tensors.get(0).map().getFloat(5 * 4)).isEqualTo(5.5f);
        assertThat(tensors.get(1).shape()).containsExactly(2);
        assertThat(tensors.get(1).map().getFloat(0)).as("a.bias starts at element 4 of storage 0").isEqualTo(4.5f);
        assertThat(tensors.get(1).end() - tensors.get(1).begin()).isEqualTo(8);
        assertThat(tensors.get(2).map().getFloat(299 * 4)).isEqualTo(299.5f);
        assertThat(tensors.get(3).elements()).isZero();
        assertThat(tensors).allSatisfy(t -> assertThat(t.dtype()).isEqualTo("F32"));
    }

    @Test
    void storageDataIsAlignedAndMappedInPlace() {
        Path file = temp.resolve("w.bin");
        TorchSave.write(file, List.of(TorchSave.Item.contiguous("w", "F16", new long[] {4, 8}, "0")),
                Map.of("0", new byte[64]), false);
        StoredTensor t = TorchBin.read(file).get(0);
        assertThat(t.begin() % 64).as("torch aligns storage data to 64 bytes").isZero();
        assertThat(t.map().isDirect()).isTrue();
        assertThat(t.dtype()).isEqualTo("F16");
    }

    @Test
    void dimensionsOfSizeOneMayHaveAnyStride() {
        Path file = temp.resolve("w.bin");
        TorchSave.write(file, List.of(new TorchSave.Item("w", "F32", new long[] {1, 6}, new long[] {1, 1}, "0", 0)),
                Map.of("0", floats(6)), false);
        assertThat(TorchBin.read(file).get(0).shape()).containsExactly(1, 6);
    }

    @Test
    void nonContiguousTensorIsRefusedNamingIt() {
        Path file = temp.resolve("w.bin");
        TorchSave.write(file, List.of(new TorchSave.Item("layer.weight", "F32", new long[] {3, 2}, new long[] {1, 3}, "0", 0)),
                Map.of("0", floats(6)), false);
        assertThatThrownBy(() -> TorchBin.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("layer.weight").hasMessageContaining("not contiguous").hasMessageContaining("[1, 3]");
    }

    @Test
    void tensorReachingPastItsStorageIsRefused() {
        Path file = temp.resolve("w.bin");
        TorchSave.write(file, List.of(new TorchSave.Item("w", "F32", new long[] {4}, new long[] {1}, "0", 3)),
                Map.of("0", floats(6)), false);
        assertThatThrownBy(() -> TorchBin.read(file)).hasMessageContaining("w").hasMessageContaining("holds 6");
    }

    @Test
    void missingStorageEntryIsReported() {
        byte[] pickle = TorchSave.pickle(List.of(TorchSave.Item.contiguous("w", "F32", new long[] {2}, "7")), Map.of("7", 2L));
        Path file = zipWithPickle(pickle, Map.of());
        assertThatThrownBy(() -> TorchBin.read(file)).hasMessageContaining("archive/data/7").hasMessageContaining("damaged");
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        Path file = temp.resolve("w.bin");
        TorchSave.write(file, List.of(TorchSave.Item.contiguous("w", "F32", new long[] {64}, "0")), Map.of("0", floats(64)), true);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 30));
        assertThatThrownBy(() -> TorchBin.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining(file.toString());
    }

    @Test
    void legacyFormatAsksForAOneTimeResave() throws IOException {
        Path file = temp.resolve("pytorch_model.bin");
        Files.write(file, new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        assertThatThrownBy(() -> TorchBin.read(file)).hasMessageContaining("legacy").hasMessageContaining("torch.save");
    }

    @Test
    void nestedCheckpointDictIsExplained() {
        byte[] inner = TorchSave.pickle(List.of(TorchSave.Item.contiguous("w", "F32", new long[] {2}, "0")), Map.of("0", 2L));
        // {"state_dict": <the OrderedDict>} : EMPTY_DICT, key, inner pickle body without PROTO and STOP, SETITEM, STOP
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}', (byte) 0x8c, 10});
        p.writeBytes("state_dict".getBytes(StandardCharsets.US_ASCII));
        p.write(inner, 2, inner.length - 3);
        p.writeBytes(new byte[] {'s', '.'});
        Path file = zipWithPickle(p.toByteArray(), Map.of("0", floats(2)));
        assertThatThrownBy(() -> TorchBin.read(file)).hasMessageContaining("\"state_dict\"").hasMessageContaining("nested");
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({"os,system", "posix,system", "nt,system", "subprocess,Popen", "builtins,eval", "builtins,exec",
        "builtins,getattr", "torch,load", "torch._utils,_rebuild_from_type_v2", "collections,namedtuple"})
    @DisplayName("a pickle naming a global outside the allow-list is refused at that global, naming it")
    void globalOutsideTheAllowListIsRefused(String module, String name) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        // The call that would follow in a real exploit; then an opcode no reader knows, which
        // would be the error if anything after the global were looked at.
        p.writeBytes(new byte[] {'X', 4, 0, 0, 0, 'i', 'd', ' ', '>', (byte) 0x85, 'R', (byte) 0xff, '.'});
        assertThatThrownBy(() -> Pickle.load(ByteBuffer.wrap(p.toByteArray()), "evil.bin:archive/data.pkl"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("evil.bin:archive/data.pkl")
                .hasMessageContaining("Python global " + module + "." + name + ",")
                .hasMessageContaining("Nothing was executed");
    }

    @Test
    @DisplayName("protocol 4's STACK_GLOBAL inside a .bin's state dict is checked the same way")
    void stackGlobalInsideAStateDictIsRefused() {
        byte[] valid = TorchSave.pickle(List.of(TorchSave.Item.contiguous("w", "F32", new long[] {2}, "0")), Map.of("0", 2L));
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        // Protocol 4 framing, then a tensor entry, then builtins.exec("...") stored under a second key.
        p.writeBytes(new byte[] {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0});
        p.write(valid, 2, valid.length - 4); // up to and including SETITEM, leaving the dict on the stack
        p.writeBytes(new byte[] {(byte) 0x8c, 1, 'x', (byte) 0x8c, 8});
        p.writeBytes("builtins".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {(byte) 0x8c, 4, 'e', 'x', 'e', 'c', (byte) 0x93, (byte) 0x8c, 1, '1', (byte) 0x85, 'R', 's', '.'});
        Path file = zipWithPickle(p.toByteArray(), Map.of("0", floats(2)));
        assertThatThrownBy(() -> TorchBin.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("builtins.exec").hasMessageContaining("allow-list");
    }

    @Test
    void allowListedStorageClassCannotBeCalled() {
        byte[] p = {(byte) 0x80, 2, 'c', 't', 'o', 'r', 'c', 'h', '\n', 'F', 'l', 'o', 'a', 't', 'S', 't', 'o', 'r', 'a', 'g', 'e', '\n',
            ')', 'R', '.'};
        assertThatThrownBy(() -> Pickle.load(ByteBuffer.wrap(p), "x.bin")).hasMessageContaining("REDUCE calls torch.FloatStorage");
    }

    @Test
    void unknownOpcodeIsRefusedWithItsPosition() {
        byte[] p = {(byte) 0x80, 2, 'K', 1, 'i', '.'};
        assertThatThrownBy(() -> Pickle.load(ByteBuffer.wrap(p), "x.bin")).hasMessageContaining("opcode 0x69 at byte 4");
    }

    @Test
    void longAndFloatOperandsDecode() {
        // (LONG1 of -2^40, LONG1 of 255, BINFLOAT 1.5, BININT -3) as a tuple
        byte[] p = {(byte) 0x80, 2, '(', (byte) 0x8a, 6, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0x8a, 2, (byte) 0xff, 0,
            'G', 0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0, 'J', (byte) 0xfd, (byte) 0xff, (byte) 0xff, (byte) 0xff, 't', '.'};
        Object value = Pickle.load(ByteBuffer.wrap(p), "x.bin");
        assertThat(((Pickle.Tuple) value).items()).containsExactly(-(1L << 40), 255L, 1.5, -3L);
    }

    @Test
    void truncatedPickleIsReported() {
        byte[] p = {(byte) 0x80, 2, 'X', 100, 0, 0, 0, 'a'};
        assertThatThrownBy(() -> Pickle.load(ByteBuffer.wrap(p), "x.bin")).hasMessageContaining("past the end");
    }

    @Test
    void selfContainingListUsedAsAKeyIsRefusedCleanly() {
        // l = []; l.append(l); {l: 0}  (EMPTY_LIST, DUP, APPEND, then as a key: EMPTY_DICT, swap via memo)
        byte[] p = {(byte) 0x80, 2, ']', 'q', 0, 'h', 0, 'a', '0', '}', 'h', 0, 'K', 0, 's', '.'};
        assertThatThrownBy(() -> Pickle.load(ByteBuffer.wrap(p), "x.bin")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("self-referencing");
    }
}
