package dev.autoj.engine.store;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.protocol.CutOff;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a whole store to check it ({@link JudgmentStore#verify()}) or count it
 * ({@link JudgmentStore#stats()}). A recorded result is checked by its model's family's reader
 * ({@link JudgeFamilies#judging}) and the judge's own rule for cut-off outputs ({@link CutOff}).
 */
final class StoreAudit {

    private StoreAudit() {
    }

    static JudgmentStore.Verification verify(JudgmentStore store) {
        Path directory = store.directory();
        List<String> problems = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        try {
            for (Path p : StoreFiles.tree(directory)) {
                String name = p.getFileName().toString();
                if (p.getParent() != null && p.getParent().equals(directory.resolve(JudgmentStore.SHARD_MARKERS))) {
                    if (!Files.isDirectory(directory.resolve(name))) {
                        problems.add(directory.resolve(name) + ": the shard folder is missing, but " + JudgmentStore.SHARD_MARKERS
                                + "/" + name + " shows judgments were recorded there; restore it from version control (or delete "
                                + p + " if those judgments were removed on purpose)");
                    }
                } else if (Files.isRegularFile(p) && name.endsWith(StoreFiles.TEMP_SUFFIX)) {
                    temps.add(p);
                } else if (Files.isRegularFile(p) && !name.equals(".lock") && !name.endsWith(".json")
                        && !p.getParent().equals(directory)) {
                    problems.add(p + ": not a judgment file (expected ab/<64 hex digits>.json)");
                }
            }
        } catch (IOException e) {
            throw new StoreException("Cannot list the judgment store " + directory + ": " + e.getMessage(), e);
        }
        List<Path> files = store.files();
        for (Path file : files) {
            String problem = check(file);
            if (problem != null) {
                problems.add(file + ": " + problem);
            }
        }
        return new JudgmentStore.Verification(files.size(), problems, temps);
    }

    private static String check(Path file) {
        String name = file.getFileName().toString();
        String fileKey = name.substring(0, name.length() - ".json".length());
        if (!JudgmentKey.isKey(fileKey)) {
            return "the file name is not a key (64 lower-case hex digits + .json)";
        }
        if (!file.getParent().getFileName().toString().equals(JudgmentKey.shard(fileKey))) {
            return "it sits in shard folder " + file.getParent().getFileName() + " but its key starts with " + JudgmentKey.shard(fileKey);
        }
        StoredJudgment judgment;
        String keyField;
        try {
            byte[] bytes = Files.readAllBytes(file);
            judgment = JudgmentCodec.read(file, bytes);
            keyField = JudgmentCodec.keyField(bytes);
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        } catch (StoreException e) {
            return e.getMessage();
        }
        String computed = judgment.key();
        if (!computed.equals(fileKey)) {
            return "its content hashes to key " + computed + ", not to its file name (was it edited by hand?)";
        }
        if (!fileKey.equals(keyField)) {
            return "its \"key\" field " + keyField + " differs from its file name";
        }
        if (judgment.rawOutput() != null && judgment.protocol() != Protocol.SCENARIO) {
            // The verdict rule is the family's of the recorded model (Auto-J for an id autoj does not know).
            ParsedVerdict parsed = JudgeFamilies.judging(judgment.modelId()).readOutput(new Prompt(judgment.protocol(),
                    judgment.language(), judgment.prompt(), List.of(), judgment.judgedTexts()), judgment.rawOutput());
            boolean cut = CutOff.reason(judgment.stopReason(), parsed, judgment.generatedTokens(), judgment.maxNewTokens()) != null;
            if (!cut && !StoredJudgment.sameResult(parsed, judgment.result())) {
                return "its raw output parses to " + describe(parsed) + " but its result says " + describe(judgment.result());
            }
        }
        return null;
    }

    static JudgmentStore.Stats stats(JudgmentStore store) {
        Map<String, Integer> byProtocol = new TreeMap<>();
        Map<String, Integer> bySource = new TreeMap<>();
        Map<String, Integer> byModel = new TreeMap<>();
        int total = 0;
        int noVerdicts = 0;
        int labelsOnly = 0;
        long bytes = 0;
        for (Path file : store.files()) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new StoreException("Cannot read the judgment file " + file + ": " + e.getMessage(), e);
            }
            StoredJudgment j = JudgmentCodec.read(file, content);
            total++;
            bytes += content.length;
            byProtocol.merge(j.protocol().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            bySource.merge(j.source(), 1, Integer::sum);
            byModel.merge(j.modelId(), 1, Integer::sum);
            if (j.result() != null && j.result().isNoVerdict()) {
                noVerdicts++;
            }
            if (j.rawOutput() == null) {
                labelsOnly++;
            }
        }
        return new JudgmentStore.Stats(total, byProtocol, bySource, byModel, noVerdicts, labelsOnly, bytes);
    }

    private static String describe(ParsedVerdict r) {
        if (r == null) {
            return "nothing";
        }
        if (r.verdict() != null) {
            return "verdict " + JudgmentCodec.lower(r.verdict());
        }
        if (r.rating() != null) {
            return "rating " + r.rating();
        }
        return "no verdict";
    }
}
