// Shared by junit5-user and junit6-user (each sets `major`): the run passed on JUnit `major` with aligned JUnit jars, Allure got the judgments, and the user's
// dependency tree holds neither the embedded runtime nor the CLI.
def log = new File(basedir, 'build.log').text
assert !log.contains('OutputDirectoryCreator not available') : 'unaligned JUnit Platform jars'
assert log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0') : 'expected 3 passing tests'
assert log.contains("JUnit versions: jupiter-api ${major}.") : "not run on JUnit $major"

def tree = new File(basedir, 'target/dependency-tree.txt').text
assert tree.contains('dev.autoj:autoj-junit:jar:') : tree
// Nor the optional model-under-test adapters: a replay-only user pulls no LangChain4j or Spring AI.
['com.microsoft.onnxruntime', 'ai.djl', 'info.picocli', 'dev.langchain4j', 'org.springframework.ai', 'dev.autoj:autoj-langchain4j', 'dev.autoj:autoj-spring-ai'].each { group ->
    assert !tree.contains(group + ':') : "$group in the user's dependency tree:\n$tree"
}
def junit = tree.readLines().findAll { it =~ /org\.junit\.(jupiter|platform):/ }
assert !junit.isEmpty() : tree
junit.each { line ->
    def version = (line =~ /:jar:([^:]+):/)[0][1]
    // JUnit 5's platform jars are numbered 1.x; JUnit 6 numbers every jar 6.x.
    assert version.startsWith("${major}.") || (major == 5 && version.startsWith('1.')) : "JUnit jar not on JUnit $major: $line"
}

def results = new File(basedir, 'target/allure-results').listFiles()?.toList() ?: []
assert results.count { it.name.endsWith('-result.json') } == 3 : "Allure results: $results"
def steps = results.findAll { it.name.endsWith('-result.json') }
        .collectMany { new groovy.json.JsonSlurper().parse(it).steps*.name ?: [] }
assert steps.count { it.startsWith('Auto-J ') && it.endsWith('passed') } == 2 : "Auto-J steps in the Allure results: $steps"
return true
