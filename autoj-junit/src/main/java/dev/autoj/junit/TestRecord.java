package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the run summary keeps of one test: who it is, its outcome, the judgments it made and its set-level decisions. */
final class TestRecord {

    enum Status { PASSED, FAILED, ABORTED, RUNNING }

    final String id;
    final String className;
    final String displayName;
    final List<JudgmentReport> judgments = new CopyOnWriteArrayList<>();
    final List<SetReport> sets = new CopyOnWriteArrayList<>();
    /** Where each judgment's judged texts came from, when they were answers of a model under test. */
    final java.util.Map<JudgmentReport, List<dev.autoj.engine.report.RunSummary.AnswerUse>> answers =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    volatile Status status = Status.RUNNING;

    TestRecord(String id, String className, String displayName) {
        this.id = id;
        this.className = className;
        this.displayName = displayName;
    }
}
