package dev.autoj.engine.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into arguments the way a POSIX shell would quote them, without running a
 * shell: whitespace separates arguments, {@code '…'} keeps everything literally, {@code "…"} keeps
 * everything but {@code \"} and {@code \\}, and a backslash outside quotes escapes the next
 * whitespace, quote or backslash. Any other backslash stays, so Windows paths ({@code C:\models})
 * survive unquoted. No variables, globs, pipes or redirections: a server that needs them is started
 * with {@code sh -c '…'}, i.e. the shell is asked for explicitly.
 */
final class CommandSplitter {

    private CommandSplitter() {
    }

    /**
     * @throws IllegalArgumentException for an unterminated quote or a command without arguments
     */
    static List<String> split(String commandLine) {
        List<String> arguments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArgument = false;
        int i = 0;
        int n = commandLine.length();
        while (i < n) {
            char c = commandLine.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inArgument) {
                    arguments.add(current.toString());
                    current.setLength(0);
                    inArgument = false;
                }
                i++;
            } else if (c == '\'') {
                int end = commandLine.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unterminated(commandLine, '\'', i);
                }
                current.append(commandLine, i + 1, end);
                inArgument = true;
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw unterminated(commandLine, '"', i);
                    }
                    char d = commandLine.charAt(j);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\' && j + 1 < n && (commandLine.charAt(j + 1) == '"' || commandLine.charAt(j + 1) == '\\')) {
                        current.append(commandLine.charAt(j + 1));
                        j += 2;
                    } else {
                        current.append(d);
                        j++;
                    }
                }
                inArgument = true;
                i = j + 1;
            } else if (c == '\\' && i + 1 < n && escapable(commandLine.charAt(i + 1))) {
                current.append(commandLine.charAt(i + 1));
                inArgument = true;
                i += 2;
            } else {
                current.append(c);
                inArgument = true;
                i++;
            }
        }
        if (inArgument) {
            arguments.add(current.toString());
        }
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("the server command is empty; give the command that starts an"
                    + " OpenAI-compatible server, e.g. vllm serve GAIR/autoj-13b --port {port}");
        }
        return List.copyOf(arguments);
    }

    /** The arguments as one line a reader can paste into a shell: arguments with spaces or quotes are single-quoted. */
    static String display(List<String> arguments) {
        StringBuilder line = new StringBuilder();
        for (String argument : arguments) {
            if (line.length() > 0) {
                line.append(' ');
            }
            boolean plain = !argument.isEmpty() && argument.chars().noneMatch(ch -> Character.isWhitespace(ch)
                    || ch == '\'' || ch == '"' || ch == '\\' || ch == '$' || ch == '&' || ch == ';' || ch == '|');
            line.append(plain ? argument : "'" + argument.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    private static boolean escapable(char c) {
        return Character.isWhitespace(c) || c == '\'' || c == '"' || c == '\\';
    }

    private static IllegalArgumentException unterminated(String commandLine, char quote, int at) {
        return new IllegalArgumentException("the server command has an unterminated " + quote + " quote (opened at"
                + " character " + (at + 1) + "): " + commandLine + " - close the quote, or escape the character with a backslash");
    }
}
