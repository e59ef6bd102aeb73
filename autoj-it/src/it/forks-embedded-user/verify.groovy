// forkCount=2, reuseForks=false with autoj.backend=onnx: three test classes in three JVMs are one run with
// one embedded engine, served over loopback HTTP by the first fork that needed it.

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

project = 'forks-embedded-user'
evaluate(new File(itSources, 'forks-summaries.groovy'))
// The replay build needs no judge: no engine server was started for it.
if (new File(target, 'summary-replay/run/starts.log').exists()) fail("the replay build started an engine server")

println "forks-embedded-user: one engine server start, 3 forks through it, 6 prompts judged once"
return true
