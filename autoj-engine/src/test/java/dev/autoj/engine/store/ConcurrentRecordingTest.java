package dev.autoj.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Judge;
import dev.autoj.engine.internal.AutoJTestbed;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads in two JVMs recording into one store, and a writer killed mid-write. */
class ConcurrentRecordingTest {

    @TempDir
    Path dir;

    private static Process worker(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                RecordingWorker.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void eightThreadsInEachOfTwoProcessesRecordOverlappingKeysAndEveryJudgmentIsThereExactlyOnce() throws Exception {
        Path store = dir.resolve("store");
        List<AutoJTestbed.SingleItem> items = PublishedJudgments.items();
        Process other = worker("overlap", store.toString(), PublishedJudgments.testbed().toString(), "8");
        Judge judge = RecordingWorker.recordingJudge(JudgmentStore.open(store), PublishedJudgments.testbed());
        BufferedReader otherOut = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertThat(otherOut.readLine()).isEqualTo("ready");
        other.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        other.getOutputStream().flush();

        String otherOutput;
        try {
            RecordingWorker.overlap(judge, items, 8, 29);
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).isTrue();
            otherOutput = otherOut.lines().collect(Collectors.joining("\n"));
        } finally {
            other.destroyForcibly();
        }
        assertThat(other.exitValue()).as("second process output: %s", otherOutput).isZero();
        JudgmentStore opened = JudgmentStore.open(store);
        JudgmentStore.Verification v = opened.verify();
        assertThat(v.problems()).isEmpty();
        assertThat(v.leftoverTempFiles()).isEmpty();
        assertThat(v.checked()).isEqualTo(items.size());
        for (AutoJTestbed.SingleItem item : items) {
            StoredJudgment expected = PublishedJudgments.of(item, 1024, Instant.EPOCH);
            assertThat(opened.find(expected.key())).hasValueSatisfying(j -> {
                assertThat(j.rawOutput()).isEqualTo(item.output());
                assertThat(j.source()).isEqualTo("live:published-outputs");
            });
        }
    }

    @Test
    void aWriterKilledMidWriteLeavesNoPartialJudgmentFile() throws Exception {
        Path store = dir.resolve("store");
        Process writer = worker("endless", store.toString(), PublishedJudgments.testbed().toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("recording");
            // It spends nearly all its time writing and syncing files, so a kill lands mid-write.
            Thread.sleep(300);
        } finally {
            writer.destroyForcibly();
        }
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();

        JudgmentStore.Verification v = JudgmentStore.open(store).verify();
        assertThat(v.checked()).isGreaterThan(232);
        assertThat(v.problems()).isEmpty();
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(v.checked());
        }
    }
}
