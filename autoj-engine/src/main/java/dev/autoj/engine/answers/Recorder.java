package dev.autoj.engine.answers;

import dev.autoj.engine.internal.Sha256;
import dev.autoj.engine.store.StoreException;
import dev.autoj.engine.store.StoreFiles;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Records and replays the answers of the model under test beside the judge's judgments, under the
 * same store folder and the same mode ({@code autoj.mode}):
 * <ul>
 * <li>{@code record}: a stored answer is reused; otherwise the model is called once and its answer
 *     stored. Within one JVM and across JVMs that share the store, the model is asked once per
 *     distinct request, so two tests that need the same answer see the same text.</li>
 * <li>{@code replay}: the model is never called; a missing answer is an {@link AnswerMissException}
 *     that shows what changed against the nearest recorded request.</li>
 * <li>{@code live}: the model is called every time; nothing is stored.</li>
 * </ul>
 * In a test run with the autoj JUnit extension, {@link #current()} is the run's recorder (its mode
 * and store); elsewhere make one with {@link #using}.
 *
 * <pre>{@code
 * String answer = Recorder.current().answer("support-bot/gpt-4o-mini", prompt, () -> client.complete(prompt));
 *
 * RecordedAnswer a = Recorder.using(StoreMode.RECORD, Path.of("src/test/resources/autoj-store"))
 *         .answer(AnswerRequest.of("gpt-4o-mini", messages).with("temperature", 0.7), "my-client",
 *                 request -> Answer.of(client.chat(request)));
 * }</pre>
 */
public final class Recorder {

    /** Where answers go that the store could not take, relative to the working directory. */
    static final Path UNSAVED = Path.of("target", "autoj", "unsaved");

    private static final AtomicReference<Recorder> CURRENT = new AtomicReference<>();
    /** One model call per distinct request in this JVM, whatever the number of recorder instances on one store. */
    private static final ConcurrentHashMap<String, CompletableFuture<RecordedAnswer>> IN_FLIGHT = new ConcurrentHashMap<>();

    private final StoreMode mode;
    private final AnswerStore store;
    private final Listener listener;
    private final Clock clock;

    /** Told of every answer a recorder served, e.g. to show its provenance beside the judgment that used it. */
    public interface Listener {
        void answered(RecordedAnswer answer);
    }

    private Recorder(StoreMode mode, AnswerStore store, Listener listener, Clock clock) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.store = store;
        this.listener = listener;
        this.clock = clock;
        if (mode != StoreMode.LIVE && store == null) {
            throw new IllegalArgumentException("mode " + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs a store folder (autoj.store.dir); only live mode runs without one");
        }
    }

    /**
     * A recorder with explicit settings, for use outside a test run (or to override the run's).
     *
     * @param storeDirectory the store folder (answers go to its {@value AnswerStore#FOLDER} subfolder); may be null in live mode
     */
    public static Recorder using(StoreMode mode, Path storeDirectory) {
        return new Recorder(mode, storeDirectory == null ? null : AnswerStore.in(storeDirectory), null, Clock.systemUTC());
    }

    /** The same settings, reporting every answer it serves to {@code listener}. */
    public Recorder reportingTo(Listener to) {
        return new Recorder(mode, store, to, clock);
    }

    /** For tests: the same settings with another clock for {@code recorded_at}. */
    Recorder withClock(Clock other) {
        return new Recorder(mode, store, listener, other);
    }

    /**
     * The recorder of the running test run.
     *
     * @throws IllegalStateException when no run installed one: outside a run, use {@link #using}
     */
    public static Recorder current() {
        Recorder recorder = CURRENT.get();
        if (recorder == null) {
            throw new IllegalStateException("No autoj test run is active in this JVM, so there are no run settings to record or replay"
                    + " the model under test with. Inside a test class annotated @AutoJ this works as is; elsewhere pass explicit"
                    + " settings, e.g. Recorder.using(StoreMode.RECORD, Path.of(\"src/test/resources/autoj-store\")).");
        }
        return recorder;
    }

    /** The running test run's recorder, if any. */
    public static Optional<Recorder> ifActive() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes {@code recorder} the run's; by a test framework when a run starts. */
    public static void install(Recorder recorder) {
        CURRENT.set(recorder);
    }

    /** Removes {@code recorder} if it is the run's; when the run ends. */
    public static void uninstall(Recorder recorder) {
        CURRENT.compareAndSet(recorder, null);
    }

    public StoreMode mode() {
        return mode;
    }

    /** The answer store, or empty in live mode without a store folder. */
    public Optional<AnswerStore> store() {
        return Optional.ofNullable(store);
    }

    /**
     * The answer text of a one-message request: {@code prompt} as the user message of {@code model}.
     *
     * @param call asks the model; called only when the mode and the store require it
     */
    public String answer(String model, String prompt, Supplier<String> call) {
        return answer(AnswerRequest.of(model, prompt), "generic", request -> Answer.of(call.get())).answer().text();
    }

    /**
     * The answer to {@code request}, from the store or from {@code call}, with where it came from.
     *
     * @param client what calls the model, for the provenance ({@code langchain4j}, {@code spring-ai}, your client's name)
     * @param call asks the model; called only when the mode and the store require it, never in replay
     * @throws AnswerMissException in replay mode when the store lacks the answer
     * @throws StoreException when the store cannot be read, or the answer not written (it is then kept under
     *     {@code target/autoj/unsaved} and the message says where)
     * @throws RuntimeException whatever {@code call} throws: nothing is stored then
     */
    public RecordedAnswer answer(AnswerRequest request, String client, Function<AnswerRequest, Answer> call) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(call, "call");
        String key = AnswerStore.key(request);
        RecordedAnswer served = switch (mode) {
            case LIVE -> new RecordedAnswer(key, request, call.apply(request), "live:" + client, now(), RecordedAnswer.Served.LIVE);
            case REPLAY -> store.find(key).orElseThrow(() -> new AnswerMissException(key, store, request));
            case RECORD -> store.find(key).orElseGet(() -> recordOnce(key, request, client, call));
        };
        if (listener != null) {
            listener.answered(served);
        }
        return served;
    }

    private RecordedAnswer recordOnce(String key, AnswerRequest request, String client, Function<AnswerRequest, Answer> call) {
        String flightKey = store.directory().toAbsolutePath().normalize() + "#" + key;
        CompletableFuture<RecordedAnswer> mine = new CompletableFuture<>();
        CompletableFuture<RecordedAnswer> running = IN_FLIGHT.putIfAbsent(flightKey, mine);
        if (running != null) {
            try {
                return running.join().servedAs(RecordedAnswer.Served.REPLAYED);
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        try {
            RecordedAnswer result = recordLocked(key, request, client, call);
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            IN_FLIGHT.remove(flightKey, mine);
        }
    }

    /** Across JVMs: a file lock per key outside the store (nothing to commit), then look again, then call. */
    private RecordedAnswer recordLocked(String key, AnswerRequest request, String client, Function<AnswerRequest, Answer> call) {
        Path lockFile = lockFile(key);
        FileChannel channel = null;
        FileLock lock = null;
        try {
            try {
                Files.createDirectories(lockFile.getParent());
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = channel.lock();
            } catch (IOException e) {
                System.getLogger(Recorder.class.getName()).log(System.Logger.Level.WARNING, "Could not take the recording lock "
                        + lockFile + " (" + e.getMessage() + "); two processes may both ask the model for this answer, and the first"
                        + " one stored wins.");
            }
            Optional<RecordedAnswer> meanwhile = store.find(key);
            if (meanwhile.isPresent()) {
                return meanwhile.get();
            }
            Answer answer = call.apply(request);
            if (answer == null) {
                throw new IllegalStateException("The call to the model under test returned no answer (null); nothing was stored.");
            }
            RecordedAnswer fresh = new RecordedAnswer(key, request, answer, "live:" + client, now(), RecordedAnswer.Served.RECORDED);
            return keep(fresh);
        } finally {
            try {
                if (lock != null) {
                    lock.release();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                System.getLogger(Recorder.class.getName()).log(System.Logger.Level.DEBUG, "closing " + lockFile + ": " + e.getMessage());
            }
        }
    }

    /** Stores a paid-for answer; when the store cannot take it, keeps it under target/autoj/unsaved and says so. */
    private RecordedAnswer keep(RecordedAnswer fresh) {
        try {
            return store.record(fresh);
        } catch (StoreException failure) {
            for (Path fallback : new Path[] {UNSAVED, Path.of(System.getProperty("java.io.tmpdir"), "autoj-unsaved")}) {
                try {
                    AnswerStore.in(fallback).record(fresh);
                    throw new StoreException(failure.getMessage() + " The model's answer was kept in " + fallback.toAbsolutePath().normalize()
                            .resolve(AnswerStore.relativeFile(fresh.key())) + "; once the store is writable, copy that "
                            + AnswerStore.FOLDER + " folder into " + store.storeDirectory() + " (or record again).", failure);
                } catch (StoreException next) {
                    if (next.getCause() == failure) {
                        throw next;
                    }
                }
            }
            throw new StoreException(failure.getMessage() + " The model's answer could not be kept anywhere; its text begins: \""
                    + StoreFiles.preview(fresh.answer().text(), 200) + "\".", failure);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private Path lockFile(String key) {
        String storeId = Sha256.hex(store.directory().toAbsolutePath().normalize().toString()).substring(0, 16);
        return Path.of(System.getProperty("java.io.tmpdir"), "autoj-answer-locks", storeId, key + ".lock");
    }
}
