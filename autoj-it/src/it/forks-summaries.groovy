// Shared by forks-user and forks-embedded-user (each sets `project`): a record build and a replay build of three
// test classes under forkCount=2, reuseForks=false; each build's summary holds all 6 tests of the 3 classes, the
// replay's matches the record's, and autoj gate between them passes with nothing added or removed.
import groovy.json.JsonSlurper

def target = new File(basedir, 'target')
def fail = { String what -> throw new AssertionError(project + ": " + what) }
def json = new JsonSlurper()
def record = json.parse(new File(target, 'summary-record/summary.json'))
def replay = json.parse(new File(target, 'summary-replay/summary.json'))
[record: record, replay: replay].each { name, s ->
    if (s.totals.tests != 6 || s.tests.size() != 6) fail("${name} summary holds ${s.tests.size()} tests, not all 6: ${s.tests*.id}")
    if (s.totals.passed != 6) fail("${name}: ${s.totals.passed} of 6 passed")
    if (s.tests*.class.toSet().size() != 3) fail("${name}: not every class is in the summary: ${s.tests*.class}")
}
if (record.tests*.id != replay.tests*.id || record.tests*.status != replay.tests*.status) {
    fail("replay's summary differs from record's: ${record.tests*.id} vs ${replay.tests*.id}")
}

def java = new File(System.getProperty('java.home'), 'bin/java').path
def gate = [java, '-jar', autojJar, 'gate', '--baseline', new File(target, 'summary-record/summary.json').path,
            '--current', new File(target, 'summary-replay/summary.json').path].execute()
def out = new StringBuilder(), err = new StringBuilder()
gate.waitForProcessOutput(out, err)
if (gate.exitValue() != 0) fail("autoj gate exited ${gate.exitValue()}: ${out} ${err}")
// The delta line counts them: "0 new loss · 0 fixed · 0 still failing · 6 still passing · 0 added · 0 removed · 0 skipped"
if (!out.toString().contains('6 still passing · 0 added · 0 removed')) fail("autoj gate reports removed or added tests:\n${out}")
println "${project}: 6 tests in both summaries, gate:\n${out}"
return replay
