package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher's idle stop decides by the run folder's clients, under the run's lock: a server is never
 * stopped while a test JVM that judges through it runs, and once none does, it is taken out of the
 * folder and stopped. The "server" here is a {@code sleep} process.
 */
@DisabledOnOs(OS.WINDOWS)
class RunServerWatcherTest {

    @TempDir
    Path dir;

    @Test
    void aServerIsNotStoppedAsIdleWhileAClientRunsAndIsStoppedAndForgottenOnceNoneDoes() throws Exception {
        RunFolder folder = RunFolder.open(dir, new RunId("watcher-test", -1, null));
        Process server = new ProcessBuilder("sleep", "120").start();
        try {
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(server.pid()));
            p.setProperty("endpoint", "http://127.0.0.1:1");
            folder.write("server.properties", p);
            folder.registerClient();
            // A client that has ended (no such pid) does not keep the server.
            Files.writeString(folder.dir().resolve("clients/999999999"), "");

            assertThat(RunServerWatcher.anyClientAlive(folder.dir())).as("this JVM is a live client").isTrue();
            assertThat(RunServerWatcher.stopIfIdle(folder.dir(), server.toHandle(), Duration.ofSeconds(1))).isFalse();
            assertThat(server.isAlive()).isTrue();
            assertThat(folder.read("server.properties").getProperty("pid")).isEqualTo(Long.toString(server.pid()));

            Files.delete(folder.dir().resolve("clients/" + ProcessHandle.current().pid()));
            assertThat(RunServerWatcher.anyClientAlive(folder.dir())).as("only an ended client is left").isFalse();
            assertThat(RunServerWatcher.stopIfIdle(folder.dir(), server.toHandle(), Duration.ofSeconds(1))).isTrue();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the idle server was stopped").isTrue();
            assertThat(folder.dir().resolve("server.properties")).as("and is no longer named for the run").doesNotExist();
        } finally {
            server.destroyForcibly();
        }
    }
}
