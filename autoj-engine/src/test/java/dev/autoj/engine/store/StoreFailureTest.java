package dev.autoj.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.testing.AnsweringBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot take a batch's judgments says why and keeps them in the fallback folder; a
 * lost shard folder is reported as missing, by a replay miss and by verify.
 */
class StoreFailureTest {

    private static final String MODEL = "GAIR/autoj-13b";
    private static final String QUERY = "What is the capital of France?";

    @TempDir
    Path dir;

    /** A test back end, not a model: every prompt gets the same fixed critique and rating. */
    private static AnsweringBackend fixed() {
        return new AnsweringBackend("fixed-fixture", MODEL, prompt -> "The answer is correct and brief.\n\nRating: [[8]]");
    }

    private static String key(String response) {
        return JudgmentStore.key(MODEL, Protocol.SINGLE, Language.EN, PromptBuilder.single(Language.EN, QUERY, response).text(), 1024);
    }

    /** Two responses whose keys fall into different shard folders. */
    private static List<String> responsesInTwoShards() {
        String first = "Paris.";
        for (int i = 0; ; i++) {
            String second = "Paris, of course (" + i + ").";
            if (!key(second).substring(0, 2).equals(key(first).substring(0, 2))) {
                return List.of(first, second);
            }
        }
    }

    private static List<Judge.GradeRequest> requests(List<String> responses) {
        return responses.stream().map(r -> new Judge.GradeRequest(QUERY, r, Scenario.DEFAULT)).toList();
    }

    @Test
    void aFileWhereAShardFolderShouldBeFailsTheBatchSayingWhyAndKeepsTheUnsavedJudgmentInTheFallbackFolder() throws IOException {
        List<String> responses = responsesInTwoShards();
        Path storeDir = dir.resolve("store");
        Path blocked = storeDir.resolve(key(responses.get(0)).substring(0, 2));
        Files.createDirectories(storeDir);
        Files.writeString(blocked, "not a folder");
        Path unsaved = dir.resolve("unsaved");
        JudgmentStore store = JudgmentStore.open(storeDir).withUnsavedDirectory(unsaved);
        AnsweringBackend backend = fixed();

        try (Judge judge = Judges.builder().backend(backend).store(store).mode(StoreMode.RECORD).build()) {
            assertThatThrownBy(() -> judge.gradeAll(requests(responses)))
                    .isInstanceOf(StoreWriteException.class)
                    .hasMessageContaining("Could not record 1 of the batch's 2 new judgment(s) into the judgment store")
                    .hasMessageContaining("a file is in the way")
                    .hasMessageContaining(blocked.toString())
                    .hasMessageContaining("kept in " + unsaved.toAbsolutePath())
                    .hasMessageContaining("cp -Rn ")
                    .hasMessageContaining("store verify --store")
                    .satisfies(e -> assertThat(((StoreWriteException) e).unsaved()).singleElement()
                            .satisfies(j -> assertThat(j.key()).isEqualTo(key(responses.get(0)))));
        }
        // The other judgment reached the store; the blocked one waits in the fallback folder, intact.
        assertThat(store.find(key(responses.get(1)))).isPresent();
        assertThat(JudgmentStore.open(unsaved).find(key(responses.get(0)))).get()
                .satisfies(j -> assertThat(j.result().rating()).isEqualTo(8.0));

        // Storing them later as the message says (here: the copy done in Java) lets replay answer both, no judge asked again.
        Files.delete(blocked);
        copyTree(unsaved, storeDir);
        assertThat(store.verify().problems()).isEmpty();
        try (Judge replay = Judges.builder().modelId(MODEL).store(store).mode(StoreMode.REPLAY).build()) {
            assertThat(replay.gradeAll(requests(responses))).extracting(Judgment::rating).containsExactly(8.0, 8.0);
        }
        assertThat(backend.prompts()).hasSize(2);
    }

    @Test
    void aReadOnlyStoreFolderFailsSayingPermissionDeniedAndKeepsTheJudgments() throws IOException {
        Path storeDir = dir.resolve("store");
        Files.createDirectories(storeDir);
        Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(writable(storeDir), "Skipped: this user (root?) can write into a folder without write permission,"
                    + " so chmod cannot make the store fail here; the file-in-the-way test covers a failing store write.");
            Path unsaved = dir.resolve("unsaved");
            JudgmentStore store = JudgmentStore.open(storeDir).withUnsavedDirectory(unsaved);
            try (Judge judge = Judges.builder().backend(fixed()).store(store).mode(StoreMode.RECORD).build()) {
                assertThatThrownBy(() -> judge.gradeAll(requests(responsesInTwoShards())))
                        .isInstanceOf(StoreWriteException.class)
                        .hasMessageContaining("Could not record 2 of the batch's 2")
                        .hasMessageContaining("permission denied");
            }
            assertThat(JudgmentStore.open(unsaved).files()).hasSize(2);
        } finally {
            Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aReplayMissWhoseShardFolderIsGoneSaysTheFolderIsMissingAndVerifyListsIt() throws IOException {
        List<String> responses = responsesInTwoShards();
        Path storeDir = dir.resolve("store");
        JudgmentStore store = JudgmentStore.open(storeDir).withUnsavedDirectory(dir.resolve("unsaved"));
        try (Judge judge = Judges.builder().backend(fixed()).store(store).mode(StoreMode.RECORD).build()) {
            judge.gradeAll(requests(responses));
        }
        Path lost = storeDir.resolve(key(responses.get(0)).substring(0, 2));
        deleteTree(lost);

        try (Judge replay = Judges.builder().modelId(MODEL).store(store).mode(StoreMode.REPLAY).build()) {
            assertThatThrownBy(() -> replay.gradeAll(requests(responses)))
                    .isInstanceOf(ReplayMissException.class)
                    .hasMessageContaining("the shard folder " + lost + " of key " + key(responses.get(0)))
                    .hasMessageContaining("is missing from the judgment store")
                    .hasMessageContaining("the judged texts need not have changed")
                    .hasMessageNotContaining("changed since the store was recorded");
        }
        assertThat(store.verify().problems()).singleElement().asString()
                .startsWith(lost + ": the shard folder is missing");
        // A key whose shard never held anything is an ordinary miss.
        String fresh = "Paris is the capital. " + "x".repeat(3);
        assertThat(store.shardFolderMissing(key(fresh))).isEqualTo(key(fresh).startsWith(lost.getFileName().toString()));
    }

    private static boolean writable(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
