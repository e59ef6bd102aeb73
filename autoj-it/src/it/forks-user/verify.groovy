// Named postbuild.groovy: maven-invoker-plugin 3.9.1 runs postbuild.* by default, not verify.*.
// forkCount=2, reuseForks=false: three test classes in three JVMs are one run with one judge server.

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

project = 'forks-user'
def replay = evaluate(new File(itSources, 'forks-summaries.groovy'))
if (replay.totals.replay_hits != 6) fail("replay answered ${replay.totals.replay_hits} of 6 judgments from the store")
def md = new File(target, 'summary-replay/summary.md').text
if (!md.contains('6 tests: 6 passed, 0 failed')) fail("summary.md does not describe the whole run:\n" + md)
println "forks-user: one server start, 6 prompts judged once"
return true
