package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.agreement.LabelledCaseException;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.conformance.ConformanceException;
import dev.autoj.engine.protocol.UnencodableTextException;
import dev.autoj.engine.store.StoreException;
import dev.autoj.onnx.tokenizer.TokenizerException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: runs it and turns each known failure into one line on stderr and an
 * exit code, so that a subcommand only says what it does. New subcommands extend this class and
 * are listed in {@link Main}'s {@code subcommands} (or in their parent command's). A bad option
 * value found while running is a {@link ParameterException}, which picocli reports as a usage error.
 */
abstract class AutojCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Does the work; output goes to {@link #out()}, results to files through {@link Output}. */
    abstract void execute();

    @Override
    public final Integer call() {
        try {
            execute();
            out().flush();
            return ExitCode.OK;
        } catch (ParameterException e) {
            throw e;
        } catch (InputException | LabelledCaseException | TokenizerException | StoreException | UnencodableTextException e) {
            // A judged text with half a character is the caller's input, wherever it is found.
            return fail(e.getMessage(), ExitCode.BAD_INPUT);
        } catch (BackendException e) {
            return fail(e.getMessage(), ExitCode.JUDGE);
        } catch (OutputException e) {
            return fail(e.getMessage(), ExitCode.FAILURE);
        } catch (CheckFailedException e) {
            return fail(e.getMessage(), ExitCode.CHECK_FAILED);
        } catch (ConformanceException e) {
            return fail(e.getMessage() + " (the conformance check before the first judgment; --conformance warn or off to go on"
                    + " anyway, docs/conformance.md)", ExitCode.CHECK_FAILED);
        } catch (RuntimeException e) {
            return fail("unexpected failure: " + e + " (please report it with the command line)", ExitCode.FAILURE);
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private int fail(String message, int code) {
        out().flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + message.replace("\n", " "));
        err.flush();
        return code;
    }
}
