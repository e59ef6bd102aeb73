// The quick start's project passed its two replayed tests, cleaned the previous run's Allure results,
// and built the HTML report.
def log = new File(basedir, 'build.log').text
assert !log.contains('OutputDirectoryCreator not available') : 'unaligned JUnit Platform jars'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'expected the 2 tests of quickstart.md to pass'

def results = new File(basedir, 'target/allure-results').listFiles()*.name
assert !results.contains('stale-from-an-earlier-run-result.json') : 'Allure results of an earlier run were not cleaned'
assert results.count { it.endsWith('-result.json') } == 2 : results
assert new File(basedir, 'target/site/allure-maven-plugin/index.html').isFile() : 'no Allure report'
return true
