// The prompt-change loop of langchain4j-user, as invoker.properties ran it.
import groovy.json.JsonSlurper

def fail = { String why -> throw new AssertionError("langchain4j-user: " + why) }
def target = new File(basedir, 'target')
def log = new File(basedir, 'build.log').getText('UTF-8')

// The chat server was asked once per distinct request over all runs: the record run's two prompts, then
// the re-record of the changed one (the unchanged request replays from the store).
def chat = new File(target, 'chat-calls.log').readLines('UTF-8')
if (chat.size() != 3 || chat.toSet().size() != 3) fail("chat server calls ${chat}: expected 3 distinct requests, each asked once")
// The judge judged each distinct prompt once: both orders of the pair and the single grade, twice.
def judge = new File(target, 'judge-calls.log').readLines('UTF-8')
if (judge.size() != 6 || judge.toSet().size() != 6) fail("judge calls ${judge}: expected 6 distinct prompts, each judged once")

def slurp = { String dir -> new JsonSlurper().parse(new File(target, dir + '/summary.json')) }
def verdicts = { s -> s.tests.collect { t -> [t.id, t.status, t.judgments.collect { j -> [j.assertion, j.verdicts, j.rating] }] } }
def recorded = slurp('summary-record')
if (recorded.totals.tests != 2 || recorded.totals.passed != 2) fail("the record run: ${recorded.totals}")
for (dir in ['summary-replay-1', 'summary-replay-2', 'summary-replay-3']) {
    def replayed = slurp(dir)
    if (verdicts(replayed) != verdicts(recorded)) fail("${dir} differs from the record run: ${verdicts(replayed)} vs ${verdicts(recorded)}")
    if (replayed.totals.replay_hits != 3 || replayed.totals.replay_misses != 0) fail("${dir}: ${replayed.totals}")
    def answers = replayed.tests.collectMany { t -> t.judgments.collectMany { j -> j.answers ?: [] } }
    if (answers.size() != 3 || answers.any { it.served != 'replayed' || it.model != 'gpt-4o-mini' || !it.source.startsWith('live:langchain4j:OpenAiChatModel') })
        fail("${dir}: the judged answers' provenance ${answers}")
    if (replayed.store_keys.answers.size() != 2 || replayed.store_keys.judgments.size() != 3) fail("${dir}: store keys ${replayed.store_keys}")
}
// One word of the system prompt changed: the replay fails and shows the recorded and the new line.
for (expected in ['Replay miss: no recorded answer of model gpt-4o-mini', '-Answer in three sentences: the status',
                  '+Answer in three short sentences: the status', '-Dautoj.mode=record']) {
    if (!log.contains(expected)) fail("the build log lacks: " + expected)
}
def rerecorded = slurp('summary-rerecord')
if (rerecorded.totals.passed != 2) fail("the re-record run: ${rerecorded.totals}")
return true
