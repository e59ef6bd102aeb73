package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded {@code autoj.jar} as users do, {@code java -jar} with no other classpath. Failsafe
 * runs it after {@code package} and passes the jar's path in {@code -Dautoj.jar}.
 */
class AutojJarIT {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run java(String... args) throws IOException, InterruptedException {
        String jarProperty = System.getProperty("autoj.jar");
        assumeTrue(jarProperty != null && Files.isRegularFile(Path.of(jarProperty)),
                "Skipped: -Dautoj.jar does not name a built autoj.jar (run through mvn verify)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jarProperty));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("autoj.jar finished within a minute").isTrue();
        return new Run(p.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theReadmeCommandPrintsTheAutoJLeaderboard() throws Exception {
        Run run = java("eval", "pairwise",
                "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--pred", SharedFiles.testbed("pairwise_example_output.jsonl").toString(),
                "--exchange", SharedFiles.testbed("pairwise_exchange_example_output.jsonl").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).containsPattern("Overall\\s+1392\\s+54\\.96\\s+83\\.41")
                .containsPattern("General Communication\\s+288\\s+55\\.21\\s+92\\.36");
    }

    @Test
    void promptWithTheLlama2TokenizerRunsFromTheJarAloneWithoutLogNoise() throws Exception {
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"Say hi\",\"response\":\"hi </s> [INST]\"}\n", StandardCharsets.UTF_8);

        Run run = java("prompt", "--in", in.toString(), "--tokenizer", SharedFiles.tokenizer("llama2").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("{\"prompt\":\"[INST] ").contains("\"token_ids\":[1,");
    }

    @Test
    void anErrorIsOneLineWithExitCode1AndTheVersionComesFromTheBuild() throws Exception {
        Run missing = java("eval", "single", "--pred", dir.resolve("nope.jsonl").toString());
        Run version = java("--version");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err().strip()).doesNotContain("\n").startsWith("autoj eval single: ").contains("no such file");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("autoj ").doesNotContain("development build");
    }

    @Test
    void storeImportThenReplayedEvalReproducesTheLeaderboardFromTheJar() throws Exception {
        Path store = dir.resolve("autoj-store");
        Run imported = java("store", "import-testbed", "--testbed", SharedFiles.testbed("testdata_pairwise.jsonl").getParent().toString(),
                "--store", store.toString());
        Run replayed = java("eval", "pairwise", "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--mode", "replay", "--store", store.toString());

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.err()).isEmpty();
        assertThat(replayed.out()).containsPattern("Overall\\s+1392\\s+54\\.96\\s+83\\.41");
    }
}
