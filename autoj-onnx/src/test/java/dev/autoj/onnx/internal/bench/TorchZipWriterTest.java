package dev.autoj.onnx.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.onnx.internal.checkpoint.Buffers;
import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import dev.autoj.onnx.internal.checkpoint.TorchBin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming zip writer behind {@code bench --stored bin}: checked against the JDK's own zip
 * readers (CRC, sizes, local headers) and against autoj's {@link TorchBin} reader, below and past
 * the 4 GB where Zip64 records start.
 */
class TorchZipWriterTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("a small torch.save file: every entry's CRC and size check out in the JDK's ZipInputStream, tensor data 64-byte aligned")
    void smallFileReadsInTheJdkAndAligns() throws IOException {
        Path file = temp.resolve("pytorch_model.bin");
        List<TorchSave.Item> items = new ArrayList<>();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = new byte[2 * (7 + 13 * i)];
            for (int b = 0; b < data.length; b++) {
                data[b] = (byte) (31 * i + b);
            }
            storages.put(Integer.toString(i), data);
            items.add(TorchSave.Item.contiguous("w" + i, "F16", new long[] {7 + 13 * i}, Integer.toString(i)));
        }
        TorchSave.write(file, items, storages, false);

        Map<String, byte[]> read = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                // reading to the end makes ZipInputStream check the entry's CRC-32 and size
                read.put(e.getName(), zip.readAllBytes());
            }
        }
        assertThat(read.keySet()).containsExactly("pytorch_model/data.pkl", "pytorch_model/byteorder", "pytorch_model/data/0",
                "pytorch_model/data/1", "pytorch_model/data/2", "pytorch_model/data/3", "pytorch_model/data/4",
                "pytorch_model/version");
        for (int i = 0; i < 5; i++) {
            assertThat(read.get("pytorch_model/data/" + i)).isEqualTo(storages.get(Integer.toString(i)));
        }
        List<StoredTensor> tensors = TorchBin.read(file);
        assertThat(tensors).hasSize(5);
        for (StoredTensor t : tensors) {
            assertThat(t.begin() % 64).as("%s starts on a 64-byte boundary, as torch aligns it", t.name()).isZero();
        }
    }

    @Test
    @DisplayName("entries past 4 GB (a sparse file): Zip64 local and directory records that the JDK and TorchBin both read")
    void entriesPastFourGigabytesCarryZip64Records() throws IOException {
        Path file = temp.resolve("pytorch_model-00001-of-00003.bin");
        byte[] data = new byte[2 * 4 * 8];
        for (int b = 0; b < data.length; b++) {
            data[b] = (byte) (b * 7 + 1);
        }
        String archive = "pytorch_model-00001-of-00003/";
        try (TorchZipWriter zip = new TorchZipWriter(file, false)) {
            zip.add(archive + "data.pkl", TorchSave.pickle(List.of(TorchSave.Item.contiguous("w", "F16", new long[] {4, 8}, "0")),
                    Map.of("0", 32L)));
            zip.add(archive + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            // three storages no tensor names, 1.5 GB each, never written: 4.5 GB of holes
            for (int i = 1; i <= 3; i++) {
                zip.hole(archive + "data/" + i, 3L << 29);
            }
            zip.add(archive + "data/0", data.length, region -> region.put(0, data));
            zip.add(archive + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 32);

        StoredTensor w = TorchBin.read(file).get(0);
        assertThat(w.begin()).as("the tensor lies past 4 GB").isGreaterThan(1L << 32);
        assertThat(w.begin() % 64).as("aligned past the Zip64 extra field as well").isZero();
        ByteBuffer mapped = w.map();
        byte[] back = new byte[mapped.remaining()];
        mapped.get(back);
        Buffers.free(mapped);
        assertThat(back).isEqualTo(data);

        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(archive + "data/0");
            CRC32 crc = new CRC32();
            crc.update(data);
            assertThat(entry.getCrc()).isEqualTo(crc.getValue());
            try (InputStream in = zip.getInputStream(entry)) {
                assertThat(in.readAllBytes()).as("the JDK finds the data through the Zip64 local header").isEqualTo(data);
            }
            assertThat(zip.getEntry(archive + "data/3").getSize()).isEqualTo(3L << 29);
        }
    }
}
