package dev.autoj.samplechecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the checks find the sample project: its committed data, and what its own {@code mvn verify}
 * wrote (Allure report, run summary, compiled classes). The folder comes from the system property
 * {@code autoj.sample.dir}, which this module's pom sets to {@code ../sample-project}.
 *
 * <p>The sample's report server ({@code dev.autoj.sample.ReportServer}) is part of what a user copies,
 * so it stays in the sample; the checks run it the way the sample's end-of-run message tells the
 * user to, {@code java -cp sample-project/target/test-classes dev.autoj.sample.ReportServer …},
 * in a process of its own.
 */
final class Sample {

    static final Path DIR = Path.of(System.getProperty("autoj.sample.dir", "../sample-project")).toAbsolutePath().normalize();
    static final Path RESOURCES = DIR.resolve("src/test/resources");
    static final Path TARGET = DIR.resolve("target");
    static final Path REPORT = Path.of(System.getProperty("autoj.sample.report.dir", TARGET.resolve("site/allure-maven-plugin").toString()))
            .toAbsolutePath().normalize();
    static final Path SUMMARY_JSON = TARGET.resolve("autoj/summary.json");
    /** Where the sample's build compiles its report server. */
    static final Path TEST_CLASSES = TARGET.resolve("test-classes");
    static final String REPORT_SERVER = "dev.autoj.sample.ReportServer";

    private static final Pattern SERVED_AT = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/");

    private Sample() {
    }

    /** What a finished {@code java … ReportServer} process wrote. */
    record Run(int exitCode, String out, String err) {
    }

    /** Runs the sample's report server with {@code arguments} to its end (e.g. {@code --print …}). */
    static Run reportServer(Path workDir, String... arguments) throws IOException, InterruptedException {
        Path out = workDir.resolve("report-server.out");
        Path err = workDir.resolve("report-server.err");
        Process process = reportServerProcess(arguments).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("The report server did not end within 2 minutes: java … " + REPORT_SERVER + " " + String.join(" ", arguments));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The sample's report server serving {@code reportDir} on a free port, until closed. */
    static ServedReport serve(Path reportDir) throws IOException {
        Path err = Files.createTempFile("report-server", ".err");
        Process process = reportServerProcess("--serve", reportDir.toString(), "0").redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher address = SERVED_AT.matcher(first == null ? "" : first);
            if (!address.find()) {
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("The sample's report server did not say where it serves " + reportDir
                        + "; its output: " + first + "; its errors: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new ServedReport(process, URI.create(address.group()));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the report server started", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** A report served by the sample's report server in its own process; closing stops the process. */
    record ServedReport(Process process, URI uri) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ProcessBuilder reportServerProcess(String... arguments) {
        Path compiled = TEST_CLASSES.resolve(REPORT_SERVER.replace('.', '/') + ".class");
        assertThat(compiled).as("The sample's report server is not compiled at %s; build the sample first:"
                + " mvn -B -ntp -pl sample-project,sample-checks -am verify", compiled).isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TEST_CLASSES.toString(), REPORT_SERVER));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command);
    }

    /** Reads a file of the sample's committed test resources. */
    static List<String> resourceLines(String resource) {
        try {
            return Files.readAllLines(RESOURCES.resolve(resource), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sample's " + RESOURCES.resolve(resource) + ": " + e.getMessage(), e);
        }
    }
}
