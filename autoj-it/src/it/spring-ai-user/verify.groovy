// Record once, replay three times with no server, a changed system prompt fails with the diff, re-record is green.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def run = { String name ->
    def file = new File(basedir, "target/runs/$name/summary.json")
    assert file.isFile() : "no summary of the $name build: $file"
    new JsonSlurper().parse(file)
}
// What a replay must reproduce: each test's outcome and its judgments' verdicts, ratings and answer keys.
def verdicts = { summary ->
    summary.tests.collect { t ->
        [t.id, t.status, t.judgments.collect { j -> [j.assertion, j.passed, j.rating, j.no_verdict, j.answers*.key] }]
    }.sort { it[0] }
}

def record = run('record')
assert record.totals.tests == 3 && record.totals.passed == 3 : "record: $record.totals"
assert record.totals.judgments == 2 : "record: $record.totals"
assert record.tests.collectMany { it.judgments }.every { j -> j.answers*.served.every { it in ['recorded', 'replayed'] } }

def replays = (1..3).collect { run("replay-$it") }
replays.eachWithIndex { r, i ->
    assert r.totals.tests == 3 && r.totals.passed == 3 && r.totals.replay_misses == 0 : "replay ${i + 1}: $r.totals"
    assert r.tests.collectMany { it.judgments }.every { j -> !j.answers.isEmpty() && j.answers*.served.every { it == 'replayed' } } :
            "replay ${i + 1}: judged answers not replayed"
    assert verdicts(r) == verdicts(replays[0]) : "replay ${i + 1} differs from replay 1"
}
assert verdicts(replays[0]).collect { it[2] } == verdicts(record).collect { it[2] } : 'the replays judged other answers than the record run'

// The chat server (started in the record builds only) was asked once per distinct request: the refund and
// the helmet question with the first system prompt, then with the changed one.
def calls = new File(basedir, 'target/chat-calls.log').readLines()
assert calls.size() == 4 : "chat server calls:\n${calls.join('\n')}"
assert calls*.split(' ')*.getAt(1).unique().size() == 4 : "a request reached the chat server twice:\n${calls.join('\n')}"
def answerFiles = []
new File(basedir, 'target/autoj-store/answers').eachFileRecurse(groovy.io.FileType.FILES) { answerFiles << it }
assert answerFiles.size() == 4 : "answer files: $answerFiles"
assert answerFiles.every { !it.text.contains('sk-loopback') } : 'the API key was written to the store'

// One word of the system prompt changed: replay fails, and the log shows the recorded and the new line.
def changed = run('changed')
assert changed.totals.failed == 3 && changed.totals.replay_misses == 3 : "changed prompt: $changed.totals"
assert log.contains('AnswerMissException') : 'no answer miss in the log'
assert log.contains('-Answer in at most three sentences and be polite.') : 'the recorded line is not in the log'
assert log.contains('+Answer in at most three sentences and be friendly.') : 'the new line is not in the log'

def rerecord = run('rerecord')
assert rerecord.totals.tests == 3 && rerecord.totals.passed == 3 : "re-record: $rerecord.totals"
def replayChanged = run('replay-changed')
assert replayChanged.totals.passed == 3 && replayChanged.totals.replay_misses == 0 : "replay after re-record: $replayChanged.totals"
return true
