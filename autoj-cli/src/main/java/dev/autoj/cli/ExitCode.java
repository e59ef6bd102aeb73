package dev.autoj.cli;

/** The exit codes of {@code autoj}; docs/cli.md lists them. */
final class ExitCode {

    /** Done. */
    static final int OK = 0;
    /**
     * An input file is missing or wrong (bad JSON, missing field, unknown scenario or protocol), or the
     * judgment store cannot answer (replay miss, damaged file, recording conflict).
     */
    static final int BAD_INPUT = 1;
    /** The command line is wrong (unknown option, missing option, bad option value). */
    static final int USAGE = 2;
    /** The output could not be written, or an unexpected failure. */
    static final int FAILURE = 3;
    /** The judge's back end failed: a server unreachable, timed out or answering with an error. */
    static final int JUDGE = 4;
    /** A check found what it guards against: new losses ({@code gate}), a judge that does not reproduce Auto-J ({@code conformance}). */
    static final int CHECK_FAILED = 5;

    private ExitCode() {
    }
}
