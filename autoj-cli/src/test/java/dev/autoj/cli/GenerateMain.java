package dev.autoj.cli;

import picocli.CommandLine;

/** Runs {@code generate} as its own process, as the integrated {@code autoj} command line will. */
public final class GenerateMain {

    private GenerateMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GenerateCommand()).execute(args));
    }
}
