package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import dev.autoj.engine.store.JudgmentStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj judge} end to end through {@code Main}: Auto-J-13B's published outputs imported into a
 * store and replayed, and a live judge on a loopback HTTP server that serves the published critiques
 * for their exact prompts. Every judgment here is a published Auto-J output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JudgeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path testbed;
    private Path store;
    private List<AutoJTestbed.SingleItem> singles;
    private List<AutoJTestbed.PairwiseItem> pairs;

    @TempDir
    Path dir;

    @BeforeAll
    void importThePublishedOutputs(@TempDir Path shared) {
        testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        store = shared.resolve("autoj-store");
        CliRun imported = CliRun.of("store", "import-testbed", "--testbed", testbed.toString(), "--store", store.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        singles = AutoJTestbed.single(testbed);
        pairs = AutoJTestbed.pairwise(testbed);
    }

    private static String singleLine(AutoJTestbed.SingleItem item) {
        ObjectNode node = JSON.createObjectNode();
        node.put("protocol", "single");
        node.put("query", item.query());
        node.put("response", item.response());
        node.put("scenario", item.scenario().id());
        return node.toString();
    }

    private static String pairLine(AutoJTestbed.PairwiseItem item) {
        ObjectNode node = JSON.createObjectNode();
        node.put("protocol", "pairwise");
        node.put("query", item.query());
        node.put("response_1", item.response1());
        node.put("response_2", item.response2());
        node.put("scenario", item.scenario().id());
        return node.toString();
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    /** Five requests: two published single critiques (one of them the repetition loop without a rating) and three pairs. */
    private List<String> mixedRequests() {
        return List.of(singleLine(singles.get(0)), pairLine(pairs.get(0)), singleLine(singles.get(185)),
                pairLine(pairs.get(1)), pairLine(pairs.get(2)));
    }

    private CliRun replay(Path in, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("judge", "--in", in.toString(), "--out", out.toString(), "--mode", "replay",
                "--store", store.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void replayingTheImportedStoreWritesThePublishedJudgmentsInInputOrder() throws IOException {
        Path in = write("requests.jsonl", mixedRequests());
        Path out = dir.resolve("judgments.jsonl");

        CliRun run = replay(in, out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(5);
        assertThat(lines).extracting(n -> n.path("line").asInt()).containsExactly(1, 2, 3, 4, 5);

        JsonNode first = lines.get(0);
        double published = VerdictParser.parse(Protocol.SINGLE, Language.EN, singles.get(0).output()).rating();
        assertThat(first.path("rating").asDouble()).isEqualTo(published);
        assertThat(first.path("raw").asText()).isEqualTo(singles.get(0).output());
        assertThat(first.path("critique").asText()).isEqualTo(singles.get(0).output().strip());
        assertThat(first.path("no_verdict").isNull()).isTrue();
        assertThat(first.path("model").asText()).isEqualTo("GAIR/autoj-13b");
        assertThat(first.path("source").asText()).isEqualTo("replay:published:auto-j-testbed");
        assertThat(first.path("prompt_sha256").asText())
                .isEqualTo(PromptBuilder.single(Language.EN, singles.get(0).query(), singles.get(0).response()).sha256());
        assertThat(first.has("orders")).isFalse();

        JsonNode loop = lines.get(2);
        assertThat(loop.path("rating").isNull()).isTrue();
        assertThat(loop.path("no_verdict").asText()).contains("Rating: [[");

        for (int i : new int[] {1, 3, 4}) {
            AutoJTestbed.PairwiseItem item = pairs.get(i == 1 ? 0 : i - 2);
            JsonNode pair = lines.get(i);
            JsonNode orders = pair.path("orders");
            assertThat(orders.size()).isEqualTo(2);
            assertThat(orders.get(0).path("order").asText()).isEqualTo("original");
            assertThat(orders.get(0).path("verdict").asText()).isEqualTo(item.original().name());
            assertThat(orders.get(1).path("order").asText()).isEqualTo("swapped");
            assertThat(orders.get(1).path("verdict").asText()).isEqualTo(item.exchanged().name());
            assertThat(orders.get(1).path("verdict_in_original_positions").asText()).isEqualTo(item.exchanged().swapped().name());
            boolean consistent = item.exchanged().swapped() == item.original();
            assertThat(pair.path("consistent").asBoolean()).isEqualTo(consistent);
            assertThat(pair.path("verdict").asText()).isEqualTo(consistent ? item.original().name() : "TIE");
            assertThat(orders.get(1).path("prompt_sha256").asText())
                    .isEqualTo(PromptBuilder.pairwise(Language.EN, item.query(), item.response2(), item.response1()).sha256());
        }
    }

    @Test
    void noSwapJudgesPairsInTheGivenOrderOnly() throws IOException {
        // A store holding only the original order of each pair: the swapped prompts would be replay misses.
        Path originalsOnly = dir.resolve("originals-only");
        for (AutoJTestbed.PairwiseItem item : pairs.subList(0, 3)) {
            String prompt = PromptBuilder.pairwise(Language.EN, item.query(), item.response1(), item.response2()).text();
            String file = JudgmentStore.relativeFile(JudgmentStore.key("GAIR/autoj-13b", Protocol.PAIRWISE, Language.EN, prompt, 1024));
            Files.createDirectories(originalsOnly.resolve(file).getParent());
            Files.copy(store.resolve(file), originalsOnly.resolve(file));
        }
        Path in = write("pairs.jsonl", List.of(pairLine(pairs.get(0)), pairLine(pairs.get(1)), pairLine(pairs.get(2))));
        Path out = dir.resolve("given-order.jsonl");
        String[] args = {"judge", "--in", in.toString(), "--out", out.toString(), "--mode", "replay", "--store", originalsOnly.toString()};

        CliRun bothOrders = CliRun.of(args);
        Files.deleteIfExists(out);
        CliRun givenOrder = CliRun.of(concat(args, "--no-swap"));

        assertThat(bothOrders.exitCode()).isEqualTo(1);
        assertThat(bothOrders.errorLine()).contains("Replay miss");
        assertThat(givenOrder.exitCode()).as(givenOrder.err()).isZero();
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode line = lines.get(i);
            assertThat(line.path("verdict").asText()).isEqualTo(pairs.get(i).original().name());
            assertThat(line.path("orders").size()).isEqualTo(1);
            assertThat(line.path("orders").get(0).path("order").asText()).isEqualTo("original");
            assertThat(line.path("consistent").isNull()).isTrue();
        }
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Serves Auto-J-13B's published critique for each single-response testbed prompt: real judge texts, no model. */
    private LoopbackCompletionsServer publishedCritiques() throws IOException {
        Map<String, String> answers = new HashMap<>();
        for (AutoJTestbed.SingleItem item : singles) {
            answers.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.output());
        }
        return new LoopbackCompletionsServer(answers);
    }

    @Test
    void aLiveJudgeOverHttpWritesTheServedCritiques() throws IOException {
        Path in = write("live.jsonl", List.of(singleLine(singles.get(3)), singleLine(singles.get(4))));
        Path out = dir.resolve("live-out.jsonl");
        CliRun run;
        List<String> bodies;
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            run = CliRun.of("judge", "--in", in.toString(), "--out", out.toString(), "--endpoint", server.url(), "--conformance", "off");
            bodies = server.bodies();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(bodies).hasSize(2);
        List<JsonNode> lines = read(out);
        for (int i = 0; i < 2; i++) {
            AutoJTestbed.SingleItem item = singles.get(3 + i);
            assertThat(lines.get(i).path("raw").asText()).isEqualTo(item.output());
            assertThat(lines.get(i).path("rating").asDouble())
                    .isEqualTo(VerdictParser.parse(Protocol.SINGLE, Language.EN, item.output()).rating());
            assertThat(lines.get(i).path("source").asText()).isEqualTo("live:remote");
            assertThat(lines.get(i).path("latency_ms").asLong()).isNotNegative();
        }
    }

    @Test
    void aRunOnMoreRequestsKeepsTheJudgmentsAlreadyWrittenAndAsksOnlyForTheRest() throws IOException {
        List<String> all = new ArrayList<>();
        for (int i = 10; i < 15; i++) {
            all.add(singleLine(singles.get(i)));
        }
        Path subset = write("subset.jsonl", all.subList(0, 2));
        Path full = write("full.jsonl", all);
        Path out = dir.resolve("resumed.jsonl");
        CliRun first;
        CliRun second;
        List<String> bodies;
        String afterFirst;
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            first = CliRun.of("judge", "--in", subset.toString(), "--out", out.toString(), "--endpoint", server.url(), "--conformance", "off");
            afterFirst = Files.readString(out);
            second = CliRun.of("judge", "--in", full.toString(), "--out", out.toString(), "--endpoint", server.url(), "--conformance", "off", "--batch", "1");
            bodies = server.bodies();
        }

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(bodies).as("2 requests in the first run, the 3 missing ones in the second").hasSize(5);
        String afterSecond = Files.readString(out);
        assertThat(afterSecond).startsWith(afterFirst);
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(lines.get(i).path("raw").asText()).isEqualTo(singles.get(10 + i).output());
        }
    }

    @Test
    void aKilledRunKeepsEveryFinishedJudgmentAndTheNextRunCompletesIt() throws Exception {
        List<String> requests = new ArrayList<>();
        for (int i = 20; i < 26; i++) {
            requests.add(singleLine(singles.get(i)));
        }
        Path in = write("killed.jsonl", requests);
        Path out = dir.resolve("killed-out.jsonl");
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            server.delayEachAnswer(400);
            String[] args = {"judge", "--in", in.toString(), "--out", out.toString(), "--endpoint", server.url(), "--conformance", "off", "--batch", "1"};
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                    .start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (newlines(out) < 2 && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            process.destroyForcibly().waitFor();
            String killed = Files.readString(out);
            int kept = newlines(out);
            server.delayEachAnswer(0);

            CliRun resumed = CliRun.of(args);

            assertThat(kept).as(Files.readString(dir.resolve("child.log"))).isBetween(2, 5);
            assertThat(resumed.exitCode()).as(resumed.err()).isZero();
            String complete = Files.readString(out);
            assertThat(complete).startsWith(killed.substring(0, killed.lastIndexOf('\n') + 1));
            List<JsonNode> lines = read(out);
            assertThat(lines).hasSize(6);
            for (int i = 0; i < 6; i++) {
                assertThat(lines.get(i).path("line").asInt()).isEqualTo(i + 1);
                assertThat(lines.get(i).path("raw").asText()).isEqualTo(singles.get(20 + i).output());
            }
            Map<String, Integer> asked = new HashMap<>();
            for (String body : server.bodies()) {
                asked.merge(JSON.readTree(body).path("prompt").asText(), 1, Integer::sum);
            }
            for (int i = 0; i < 6; i++) {
                AutoJTestbed.SingleItem item = singles.get(20 + i);
                int times = asked.getOrDefault(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), 0);
                if (i < kept) {
                    assertThat(times).as("request %d, written before the kill, is not asked again", i + 1).isEqualTo(1);
                } else {
                    assertThat(times).as("request %d is judged by the resumed run", i + 1).isBetween(1, 2);
                }
            }
        }
    }

    private static int newlines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int count = 0;
        for (byte b : Files.readAllBytes(file)) {
            count += b == '\n' ? 1 : 0;
        }
        return count;
    }

    @Test
    void anUnfinishedLastLineIsDroppedAndJudgedAgain() throws IOException {
        Path in = write("requests.jsonl", mixedRequests());
        Path complete = dir.resolve("complete.jsonl");
        Path interrupted = dir.resolve("interrupted.jsonl");
        assertThat(replay(in, complete).exitCode()).isZero();
        byte[] bytes = Files.readAllBytes(complete);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int thirdLineStart = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
        Files.write(interrupted, bytes);
        try (FileChannel channel = FileChannel.open(interrupted, StandardOpenOption.WRITE)) {
            channel.truncate(thirdLineStart + 40);
        }

        CliRun resumed = replay(in, interrupted);

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.readString(interrupted)).isEqualTo(text);
    }

    @Test
    void aFinishedOutputIsLeftAsItIsAndAskingAgainJudgesNothing() throws IOException {
        Path in = write("requests.jsonl", mixedRequests());
        Path out = dir.resolve("done.jsonl");
        assertThat(replay(in, out).exitCode()).isZero();
        String before = Files.readString(out);

        CliRun again = CliRun.of("judge", "--in", in.toString(), "--out", out.toString(), "--endpoint", "http://127.0.0.1:9");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(before);
    }

    @Test
    void anOutputOfADifferentInputIsRefusedAndLeftAsItIs() throws IOException {
        Path in = write("requests.jsonl", mixedRequests());
        Path out = dir.resolve("other.jsonl");
        assertThat(replay(in, out).exitCode()).isZero();
        String before = Files.readString(out);
        List<String> changed = new ArrayList<>(mixedRequests());
        changed.set(1, pairLine(pairs.get(5)));
        Path other = write("changed.jsonl", changed);

        CliRun run = replay(other, out);
        CliRun noSwap = replay(in, out, "--no-swap");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).isEqualTo("autoj judge: " + out + " line 2: answers another request than request 2 of "
                + other + " (the input changed since this file was written); pass a new --out file, or delete " + out
                + " to judge " + other + " from the start");
        assertThat(noSwap.exitCode()).as("--no-swap judges pairs differently, so it is another run").isEqualTo(1);
        assertThat(Files.readString(out)).isEqualTo(before);
    }

    @Test
    void badRequestLinesAreNamedWithTheirLineNumbersAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("never.jsonl");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"protocol\":\"triple\",\"query\":\"q\"}", "line 3: unknown protocol \"triple\"; use \"single\" or \"pairwise\"");
        cases.put("{\"protocol\":\"pairwise\",\"query\":\"q\",\"response_1\":\"a\"}",
                "line 3: field \"response_2\" is missing; add \"response_2\" to this line");
        cases.put("{\"protocol\":\"single\",\"query\":\"q\",\"response\":\"a\",\"scenario\":\"code_generaton\"}",
                "line 3: unknown scenario \"code_generaton\"");
        cases.put("{\"protocol\":\"scenario\",\"query\":\"q\"}", "line 3: protocol \"scenario\" classifies a query, it judges nothing");
        cases.put("{\"protocol\":\"single\",\"query\":\"q\",\"response\":\"a\",\"language\":\"fr\"}", "line 3: unknown language \"fr\"");
        cases.put("{\"protocol\":\"single\",", "line 3: not valid JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path in = write("bad.jsonl", List.of(singleLine(singles.get(0)), "", c.getKey()));

            CliRun run = replay(in, out);

            assertThat(run.exitCode()).as(c.getKey()).isEqualTo(1);
            assertThat(run.errorLine()).startsWith("autoj judge: " + in + " " + c.getValue());
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void outIsRequired() throws IOException {
        Path in = write("requests.jsonl", mixedRequests());

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--mode", "replay", "--store", store.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).contains("--out");
    }
}
