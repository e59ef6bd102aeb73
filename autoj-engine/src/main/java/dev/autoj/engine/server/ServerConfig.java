package dev.autoj.engine.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to start a {@link ManagedServer}: the command line (with {@code {port}} where the free
 * loopback port autoj picks goes), the model it must serve, how long it may take to load, and its
 * environment, working folder and log file. Immutable and validated when built.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.of("vllm serve GAIR/autoj-13b --max-model-len 4096 --port {port}", "GAIR/autoj-13b")
 *         .withStartupTimeout(Duration.ofMinutes(20))
 *         .withEnvironment(Map.of("CUDA_VISIBLE_DEVICES", "0"))
 *         .withLogFile(Path.of("target/autoj/judge-server.log"));
 * }</pre>
 *
 * @param command the command line, split into arguments like a shell would (quotes, backslashes) but never run by one
 * @param modelName the model the server must list at {@code GET /v1/models} to count as ready
 * @param startupTimeout how long the server may take to become ready; a 13B model loads for minutes
 * @param environment variables added to (or replacing) this JVM's environment for the server
 * @param directory the server's working folder, or {@code null} for this JVM's
 * @param logFile where the server's stdout and stderr go (overwritten at each start)
 */
public record ServerConfig(String command, String modelName, Duration startupTimeout, Map<String, String> environment,
                           Path directory, Path logFile) {

    /** What the command must contain: autoj picks the port, so the server has to be told it. */
    public static final String PORT_PLACEHOLDER = "{port}";
    /** Loading a 13B model (download aside) takes minutes; this leaves room for a slow disk. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(15);
    public static final Path DEFAULT_LOG_FILE = Path.of("target", "autoj", "judge-server.log");

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ServerConfig {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("the server command is empty; give the command that starts an"
                    + " OpenAI-compatible server, e.g. vllm serve GAIR/autoj-13b --port {port}");
        }
        List<String> arguments = CommandSplitter.split(command);
        if (arguments.stream().noneMatch(a -> a.contains(PORT_PLACEHOLDER))) {
            throw new IllegalArgumentException("the server command \"" + command + "\" has no " + PORT_PLACEHOLDER
                    + ": autoj picks a free loopback port for each run and the server must listen on it; add e.g."
                    + " --port " + PORT_PLACEHOLDER + " (vLLM, llama-server) or -p " + PORT_PLACEHOLDER + ":8000 (docker run)");
        }
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("the managed server needs the model name it serves (e.g. GAIR/autoj-13b):"
                    + " it is ready once GET /v1/models lists that name");
        }
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("the server startup timeout must be positive, got " + startupTimeout
                    + "; a 13B model needs minutes, e.g. 15m");
        }
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (!VARIABLE.matcher(variable.getKey()).matches()) {
                throw new IllegalArgumentException("the server environment variable name \"" + variable.getKey()
                        + "\" is not a valid name; use letters, digits and _, not starting with a digit");
            }
        }
        Objects.requireNonNull(logFile, "logFile");
    }

    /** A config with the default startup timeout, this JVM's environment and folder, and {@link #DEFAULT_LOG_FILE}. */
    public static ServerConfig of(String command, String modelName) {
        return new ServerConfig(command, modelName, DEFAULT_STARTUP_TIMEOUT, Map.of(), null, DEFAULT_LOG_FILE);
    }

    public ServerConfig withStartupTimeout(Duration timeout) {
        return new ServerConfig(command, modelName, timeout, environment, directory, logFile);
    }

    public ServerConfig withEnvironment(Map<String, String> variables) {
        return new ServerConfig(command, modelName, startupTimeout, variables, directory, logFile);
    }

    public ServerConfig withDirectory(Path folder) {
        return new ServerConfig(command, modelName, startupTimeout, environment, folder, logFile);
    }

    public ServerConfig withLogFile(Path file) {
        return new ServerConfig(command, modelName, startupTimeout, environment, directory, file);
    }

    /**
     * The command line that {@link #command()} splits back into exactly {@code arguments}: arguments with
     * spaces or quotes are single-quoted, e.g. {@code commandLine(List.of("java", "-cp", "my dir", "Main"))}
     * is {@code java -cp 'my dir' Main}.
     */
    public static String commandLine(List<String> arguments) {
        return CommandSplitter.display(arguments);
    }

    /** The arguments to run, with every {@code {port}} replaced (after splitting, so a port can never break quoting). */
    List<String> arguments(int port) {
        return CommandSplitter.split(command).stream()
                .map(a -> a.replace(PORT_PLACEHOLDER, Integer.toString(port)))
                .toList();
    }
}
