package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.store.JudgmentStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code store verify}: every judgment file and every recorded answer file parses and sits under the
 * key its content hashes to.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every judgment file: it parses, and its key field, file name and shard folder equal the"
                + " key recomputed from its content. Check every answer file (answers/ab/<key>.json) the same way against"
                + " its request. Lists each bad file on stdout and exits 1."})
final class StoreVerifyCommand extends StoreFolderCommand {

    @Override
    void execute() {
        JudgmentStore.Verification judgments = judgments().verify();
        JudgmentStore.Verification answers = AnswerStore.in(store).verify();
        for (Path temp : Stream.concat(judgments.leftoverTempFiles().stream(), answers.leftoverTempFiles().stream()).toList()) {
            out().println("note: " + temp + " is a temporary file left by an interrupted writer; it is never read and may be deleted.");
        }
        for (String problem : Stream.concat(judgments.problems().stream(), answers.problems().stream()).toList()) {
            out().println("BAD " + problem);
        }
        if (!judgments.ok() || !answers.ok()) {
            List<String> bad = new ArrayList<>();
            if (!judgments.ok()) {
                bad.add(judgments.problems().size() + " of " + judgments.checked() + " judgment files");
            }
            if (!answers.ok()) {
                bad.add(answers.problems().size() + " of " + answers.checked() + " answer files");
            }
            String what = judgments.ok() ? "answers" : answers.ok() ? "judgments" : "judgments and answers";
            throw new InputException(store, 0, String.join(" and ", bad) + " are bad (each listed as BAD on stdout)",
                    "restore them from version control, or delete them and record the " + what + " again");
        }
        out().printf("All %d judgment files and %d answer files in %s are good.%n", judgments.checked(), answers.checked(), store);
    }
}
