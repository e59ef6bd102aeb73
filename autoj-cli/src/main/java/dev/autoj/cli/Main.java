package dev.autoj.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code autoj} command line ({@code java -jar autoj-cli/target/autoj.jar}). Every
 * subcommand reads and writes JSON Lines; see docs/cli.md.
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("eval", "pairwise", "--source", "testdata_pairwise.jsonl",
 *         "--pred", "pred.jsonl", "--exchange", "exchange.jsonl");
 * }</pre>
 *
 * <p>A subcommand is a class extending {@code AutojCommand}, listed in {@code subcommands} below.
 */
@Command(name = "autoj",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Auto-J judge tools: build prompts, parse verdicts, judge requests, classify queries, measure a judge on the"
                + " Auto-J testbed, look after judgment stores, generate with the embedded engine, convert checkpoints, check a judge"
                + " against published Auto-J answers, gate merges on run summaries, serve the embedded engine over HTTP.",
        subcommands = {PromptCommand.class, ParseCommand.class, JudgeCommand.class, ClassifyCommand.class, EvalCommand.class,
            StoreCommand.class, GenerateCommand.class, BenchCommand.class, ConvertCommand.class, ConformanceCommand.class, GateCommand.class,
            SummaryCommand.class, ServeCommand.class})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: prompt, parse, judge, classify, eval, store, generate, bench, convert, conformance, gate, summary or serve");
    }

    /**
     * The command line with autoj's error handling: a usage error prints one line naming the
     * problem and where help is, and exits with 2.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(110);
        cl.setParameterExceptionHandler((ParameterException e, String[] args) -> {
            CommandLine failing = e.getCommandLine();
            PrintWriter err = failing.getErr();
            err.println(failing.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                    + " (see '" + failing.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCode.USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        // One line per log record (java.util.logging's default format takes two), e.g. one per retry of the
        // remote judge; read when the console handler is created, i.e. before the first record. A user's own
        // logging configuration wins.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        CommandLine cl = commandLine();
        // JSON Lines are UTF-8 whatever the platform's console encoding.
        cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }

    /** The version recorded by the Maven build in the jar; "development build" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"autoj " + version(), "Java " + System.getProperty("java.version")};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/dev.autoj/autoj-engine/pom.properties")) {
                if (in == null) {
                    return "(development build)";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(unknown version)");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the version from the jar", e);
            }
        }
    }
}
