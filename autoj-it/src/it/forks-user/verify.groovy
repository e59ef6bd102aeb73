// Named postbuild.groovy: maven-invoker-plugin 3.9.1 runs postbuild.* by default, not verify.*.
// forkCount=2, reuseForks=false: three test classes in three JVMs are one run with one judge server.
import groovy.json.JsonSlurper

def target = new File(basedir, 'target')
def fail = { String what -> throw new AssertionError("forks-user: " + what) }

// One server start for the whole record build (and none for the replay build, which needs no judge).
def starts = new File(target, 'starts.txt').readLines()
if (starts.size() != 1) fail("expected one judge server start for the run, got ${starts.size()}: ${starts}")

// Each distinct prompt judged once: 6 tests with 6 different prompts, no prompt sent twice.
def prompts = new File(target, 'prompts.txt').readLines()
if (prompts.size() != 6 || prompts.toSet().size() != 6) fail("expected 6 distinct prompts judged once each, got ${prompts}")

// The watcher stopped the server when the record build's Maven process ended.
def server = new Properties()
new File(target, 'summary-record/run/server.properties').withInputStream { server.load(it) }
long pid = server.getProperty('pid') as long
long deadline = System.currentTimeMillis() + 30_000
while (ProcessHandle.of(pid).map { it.isAlive() }.orElse(false) && System.currentTimeMillis() < deadline) {
    Thread.sleep(200)
}
if (ProcessHandle.of(pid).map { it.isAlive() }.orElse(false)) fail("the judge server (pid ${pid}) outlived the build")

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
if (replay.totals.replay_hits != 6) fail("replay answered ${replay.totals.replay_hits} of 6 judgments from the store")
def md = new File(target, 'summary-replay/summary.md').text
if (!md.contains('6 tests: 6 passed, 0 failed')) fail("summary.md does not describe the whole run:\n" + md)

// autoj gate between the two builds: nothing removed, nothing added.
def java = new File(System.getProperty('java.home'), 'bin/java').path
def gate = [java, '-jar', autojJar, 'gate', '--baseline', new File(target, 'summary-record/summary.json').path,
            '--current', new File(target, 'summary-replay/summary.json').path].execute()
def out = new StringBuilder(), err = new StringBuilder()
gate.waitForProcessOutput(out, err)
if (gate.exitValue() != 0) fail("autoj gate exited ${gate.exitValue()}: ${out} ${err}")
// The delta line counts them: "0 new loss · 0 fixed · 0 still failing · 6 still passing · 0 added · 0 removed · 0 skipped"
if (!out.toString().contains('6 still passing · 0 added · 0 removed')) fail("autoj gate reports removed or added tests:\n${out}")
println "forks-user: one server start, 6 prompts judged once, 6 tests in both summaries, gate:\n${out}"
return true
