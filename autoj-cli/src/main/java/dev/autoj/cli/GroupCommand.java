package dev.autoj.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups its subcommands ({@code eval}, {@code store}, {@code summary}): run alone,
 * it is a usage error that asks for one of them.
 *
 * <pre>{@code
 * final class StoreCommand extends GroupCommand {
 *     StoreCommand() {
 *         super("name what to do: import-testbed, verify, stats, prune or bench");
 *     }
 * }
 * }</pre>
 */
abstract class GroupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final String ask;

    /** @param ask the usage error's message, naming the subcommands */
    GroupCommand(String ask) {
        this.ask = ask;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), ask);
    }
}
