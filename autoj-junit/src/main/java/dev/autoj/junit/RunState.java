package dev.autoj.junit;

import dev.autoj.assertions.JudgeHandOff;
import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.PositionPolicy;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Judge;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.store.StoreUse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import dev.autoj.engine.store.ReplayMissException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Everything autoj keeps for one test run, stored in the root {@link ExtensionContext.Store}:
 * the settings, the one judge (built on first use), the per-test records and the reporters.
 * JUnit closes it when the run ends; closing writes the summary and closes the judge.
 */
final class RunState implements JudgeHandOff.Session, StoreUse.Listener, AutoCloseable {

    private final Settings settings;
    private final JudgeFactory factory;
    private final List<JudgmentReporter> reporters;
    private final List<TestRecord> records = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Running> current = new ThreadLocal<>();
    private final Object judgeLock = new Object();
    private volatile SharedJudge shared;
    private Judge real;
    private RuntimeException startFailure;
    private TestRecord outsideTests;
    private final AtomicInteger replayMisses = new AtomicInteger();
    private final Recorder recorder;
    /** The answers of models under test served in this run, by text, to name where a judged text came from. */
    private final Map<String, RecordedAnswer> answersByText = new ConcurrentHashMap<>();
    private final Set<String> judgmentKeys = new ConcurrentSkipListSet<>();
    private final Set<String> answerKeys = new ConcurrentSkipListSet<>();
    /** The folder shared with the other test JVMs of the build, or null when this launch is a run of its own. */
    private volatile RunFolder runFolder;
    private static final System.Logger LOG = System.getLogger(RunState.class.getName());

    private record Running(ExtensionContext context, TestRecord record) {
    }

    RunState(Settings settings, JudgeFactory factory, List<JudgmentReporter> reporters) {
        this.settings = settings;
        this.factory = factory;
        this.reporters = List.copyOf(reporters);
        this.recorder = Recorder.using(settings.judge().mode(), settings.judge().storeDir()).reportingTo(this::answered);
        this.runFolder = RunId.resolve(settings.runId()).map(this::openFolder).orElse(null);
        JudgeHandOff.install(this);
        Recorder.install(recorder);
        StoreUse.install(this);
    }

    /** The run's folder, or null (with one warning) when it cannot be used: this launch is then a run of its own. */
    private RunFolder openFolder(RunId run) {
        try {
            RunFolder folder = RunFolder.open(settings.summaryDir(), run);
            LOG.log(System.Logger.Level.DEBUG, "autoj: run " + run.id() + ", run folder " + folder.dir());
            return folder;
        } catch (IOException | RuntimeException e) {
            fallBack(e);
            return null;
        }
    }

    /** Once per launch: the run folder cannot be used, so this test JVM writes and judges as a run of its own. */
    private void fallBack(Exception e) {
        runFolder = null;
        LOG.log(System.Logger.Level.WARNING, "autoj: cannot use the run folder " + settings.summaryDir().resolve("run")
                + " shared by the test JVMs of this build (" + e + "); this test JVM judges and writes its summary as a run"
                + " of its own, so summary.json holds only its tests. Make the folder writable, or set autoj.summary.dir.");
    }

    /** An answer of a model under test served to a test: kept by its text for the reports of the judgments that use it. */
    private void answered(RecordedAnswer answer) {
        answersByText.put(answer.answer().text(), answer);
    }

    @Override
    public void judgmentUsed(String key) {
        judgmentKeys.add(key);
    }

    @Override
    public void answerUsed(String key) {
        answerKeys.add(key);
    }

    /** Where the report's judged texts came from, for those that were answers served in this run. */
    private List<RunSummary.AnswerUse> answerUses(JudgmentReport report) {
        List<RunSummary.AnswerUse> uses = new ArrayList<>();
        use(uses, "response", report.response());
        if (report.baseline() != null) {
            use(uses, "baseline", report.baseline());
        }
        return uses;
    }

    private void use(List<RunSummary.AnswerUse> uses, String role, String text) {
        RecordedAnswer a = answersByText.get(text);
        if (a != null) {
            uses.add(new RunSummary.AnswerUse(role, a.key(), a.request().model(), a.served().name().toLowerCase(Locale.ROOT),
                    a.source(), a.recordedAt().toString()));
        }
    }

    Settings settings() {
        return settings;
    }

    @Override
    public Judge judge() {
        SharedJudge judge = shared;
        if (judge == null) {
            synchronized (judgeLock) {
                judge = shared;
                if (judge == null) {
                    if (startFailure != null) {
                        // Loading a model can take minutes: a judge that could not start is not retried by every test.
                        throw new TestAbortedException("Skipped: the Auto-J judge could not be started (reported once, at"
                                + " the first test that needed it): " + startFailure.getMessage());
                    }
                    try {
                        real = open();
                    } catch (RuntimeException e) {
                        startFailure = e;
                        throw e;
                    }
                    judge = new SharedJudge(real);
                    shared = judge;
                }
            }
        }
        return judge;
    }

    /** The judge: through the run folder when this JVM is one fork of a run, else as a run of its own. */
    private Judge open() {
        RunFolder folder = runFolder;
        if (folder != null) {
            try {
                return RunJudges.open(folder, settings, factory);
            } catch (IOException e) {
                fallBack(e);
            }
        }
        return factory.create(settings);
    }

    @Override
    public Optional<PositionPolicy> positionPolicy() {
        return Optional.of(settings.positionPolicy());
    }

    @Override
    public Optional<Boolean> failWhenInconclusive() {
        return Optional.of(settings.inconclusive() == Settings.Inconclusive.FAIL);
    }

    @Override
    public void judged(JudgmentReport report) {
        Running running = current.get();
        TestRecord record = running != null ? running.record() : outsideTests();
        boolean firstOfScenario = record.judgments.stream().noneMatch(r -> r.scenario() == report.scenario());
        List<RunSummary.AnswerUse> uses = answerUses(report);
        record.answers.put(report, uses);
        record.judgments.add(report);
        if (running != null) {
            for (JudgmentReporter reporter : reporters) {
                reporter.report(report, uses, running.context(), firstOfScenario);
            }
        }
    }

    @Override
    public void comparedSet(SetReport report) {
        Running running = current.get();
        TestRecord record = running != null ? running.record() : outsideTests();
        record.sets.add(report);
        if (running != null) {
            for (JudgmentReporter reporter : reporters) {
                reporter.reportSet(report, running.context());
            }
        }
    }

    void testStarted(ExtensionContext context) {
        TestRecord record = new TestRecord(context.getUniqueId(),
                context.getTestClass().map(Class::getName).orElse(""), context.getDisplayName());
        records.add(record);
        current.set(new Running(context, record));
    }

    void testFinished(ExtensionContext context) {
        Running running = current.get();
        current.remove();
        if (running == null) {
            return;
        }
        Optional<Throwable> failure = context.getExecutionException();
        running.record().status = failure.isEmpty() ? TestRecord.Status.PASSED
                : failure.get() instanceof TestAbortedException ? TestRecord.Status.ABORTED : TestRecord.Status.FAILED;
        failure.filter(RunState::isReplayMiss).ifPresent(miss -> replayMisses.incrementAndGet());
    }

    private static boolean isReplayMiss(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReplayMissException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Judgments made outside a test method's thread (in {@code @BeforeAll}, or on a thread the test
     * started) are summarized under one pseudo-test; they have no test report to go to.
     */
    private synchronized TestRecord outsideTests() {
        if (outsideTests == null) {
            outsideTests = new TestRecord("(outside tests)", "", "judgments made outside test-method threads");
            outsideTests.status = TestRecord.Status.PASSED;
            records.add(outsideTests);
        }
        return outsideTests;
    }

    SummaryWriter summary() {
        SharedJudge judge = shared;
        return new SummaryWriter(records, judge == null ? 0 : judge.judgeNanos() / 1_000_000, replayMisses.get(),
                new RunSummary.StoreKeys(List.copyOf(judgmentKeys), List.copyOf(answerKeys)));
    }

    /**
     * As one fork of a run: this launch's part into the run folder, then every part of the run merged
     * into the summary (so the launch that ends last leaves the whole run's); otherwise this launch's summary.
     */
    private void writeSummary() {
        SummaryWriter own = summary();
        RunFolder folder = runFolder;
        if (folder != null) {
            try {
                List<String> warnings = new ArrayList<>();
                folder.locked(() -> {
                    folder.writePart(own.document());
                    SummaryWriter.write(settings.summaryDir(), folder.merged(warnings));
                    return null;
                });
                warnings.forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                fallBack(e);
            }
        }
        own.write(settings.summaryDir());
    }

    /** Ends the run: the hand-off goes, the summary is written, the judge is closed; no failure hides another. */
    @Override
    public void close() {
        JudgeHandOff.uninstall(this);
        Recorder.uninstall(recorder);
        StoreUse.uninstall(this);
        RuntimeException failure = null;
        try {
            writeSummary();
        } catch (RuntimeException e) {
            failure = e;
        }
        Judge judge;
        synchronized (judgeLock) {
            judge = real;
        }
        if (judge != null) {
            try {
                judge.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
