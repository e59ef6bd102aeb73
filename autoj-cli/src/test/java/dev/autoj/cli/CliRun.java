package dev.autoj.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of {@code autoj} with its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        return of(Main.commandLine(), args);
    }

    static CliRun of(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The one line on stderr, failing when there is not exactly one. */
    String errorLine() {
        String[] lines = err.split("\\R");
        if (lines.length != 1 || err.isBlank()) {
            throw new AssertionError("expected exactly one line on stderr but got:\n" + err);
        }
        return lines[0];
    }
}
