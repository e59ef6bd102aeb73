// forkCount=2, reuseForks=false with autoj.backend=onnx: three test classes in three JVMs are one run with
// one embedded engine, served over loopback HTTP by the first fork that needed it.
import groovy.json.JsonSlurper

def target = new File(basedir, 'target')
def fail = { String what -> throw new AssertionError("forks-embedded-user: " + what) }
def run = new File(target, 'summary-record/run')

// One engine process for the record build: one start in the run folder's log, the engine's server class.
def starts = new File(run, 'starts.log').readLines()
if (starts.size() != 1) fail("expected one engine server start for the run, got ${starts.size()}: ${starts}")
def server = new Properties()
new File(run, 'server.properties').withInputStream { server.load(it) }
if (!server.getProperty('command').contains('dev.autoj.onnx.server.EngineServer')) fail("not the engine server: ${server}")
// Each fork judged through it: three test JVMs registered as its clients (the first, which started it, too).
def clients = new File(run, 'clients').list()
if (clients.size() != 3) fail("expected the 3 test JVMs as the server's clients, got ${clients}")

// The watcher stopped the server when the record build's Maven process ended; the engine says how much it did.
long pid = server.getProperty('pid') as long
long deadline = System.currentTimeMillis() + 60_000
while (ProcessHandle.of(pid).map { it.isAlive() }.orElse(false) && System.currentTimeMillis() < deadline) {
    Thread.sleep(200)
}
if (ProcessHandle.of(pid).map { it.isAlive() }.orElse(false)) fail("the engine server (pid ${pid}) outlived the build")
def engineLog = new File(target, 'summary-record/engine-server.log').text
def stopped = engineLog =~ /autoj serve: stopped after \d+ batch(?:es)? \((\d+) completions?\)/
if (!stopped.find()) fail("the engine server's log has no stop line:\n${engineLog}")
// Each distinct prompt judged once: 6 tests with 6 different prompts, 6 completions, 6 judgments in the store.
if (stopped.group(1) as int != 6) fail("expected 6 completions (6 distinct prompts, each once), got ${stopped.group(1)}")
def judgments = []
new File(basedir, 'src/test/resources/autoj-store').eachFileRecurse { if (it.name.endsWith('.json')) judgments << it }
if (judgments.size() != 6) fail("expected 6 recorded judgments, got ${judgments.size()}: ${judgments}")

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
// The replay build needs no judge: no engine server was started for it.
if (new File(target, 'summary-replay/run/starts.log').exists()) fail("the replay build started an engine server")

def java = new File(System.getProperty('java.home'), 'bin/java').path
def gate = [java, '-jar', autojJar, 'gate', '--baseline', new File(target, 'summary-record/summary.json').path,
            '--current', new File(target, 'summary-replay/summary.json').path].execute()
def out = new StringBuilder(), err = new StringBuilder()
gate.waitForProcessOutput(out, err)
if (gate.exitValue() != 0) fail("autoj gate exited ${gate.exitValue()}: ${out} ${err}")
if (!out.toString().contains('6 still passing · 0 added · 0 removed')) fail("autoj gate reports removed or added tests:\n${out}")
println "forks-embedded-user: one engine server start, 3 forks through it, 6 prompts judged once, 6 tests in both summaries"
return true
