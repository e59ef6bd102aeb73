// Writes this project from docs/quickstart.md: nothing of it is committed here. Each fenced block that
// follows a "<!-- checked by autoj-it (src/it/quickstart)" comment is taken as the page shows it:
//   xml        -> the body of pom.xml (wrapped in <project> with this project's coordinates)
//   java       -> the test class, under src/test/java
//   properties -> src/test/resources/junit-platform.properties
// The sample's committed store stands in for step 4's recording (the page's example is a testbed item).
def blocks = { File page, String project ->
    def found = []
    def lines = page.readLines('UTF-8')
    for (int i = 0; i < lines.size(); i++) {
        if (!lines[i].contains("<!-- checked by autoj-it (src/it/${project})")) continue
        int open = i + 1
        while (!lines[open].startsWith('```')) open++
        int close = open + 1
        while (!lines[close].startsWith('```')) close++
        found << [lang: lines[open].substring(3).trim(), text: lines.subList(open + 1, close).join('\n') + '\n']
        i = close
    }
    found
}

def page = new File(quickstartMarkdown)
def found = blocks(page, 'quickstart')
assert found*.lang.sort() == ['java', 'properties', 'xml'] : "blocks marked for src/it/quickstart in $page: ${found*.lang}"
def xml = found.find { it.lang == 'xml' }.text
def java = found.find { it.lang == 'java' }.text
def properties = found.find { it.lang == 'properties' }.text

def doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new org.xml.sax.InputSource(new StringReader("<project>${xml}</project>")))
def xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath()
def bomVersion = xpath.evaluate("/project/dependencyManagement/dependencies/dependency[artifactId='autoj-bom']/version", doc)
assert bomVersion == projectVersion : "quickstart.md imports autoj-bom '${bomVersion}', the build is ${projectVersion}"

new File(basedir, 'pom.xml').setText("""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
<modelVersion>4.0.0</modelVersion>
<groupId>com.example</groupId>
<artifactId>quickstart</artifactId>
<version>1.0</version>
<properties><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
${xml}</project>
""", 'UTF-8')

def className = (java =~ /(?m)^\s*(?:public\s+)?class\s+(\w+)/)[0][1]
def test = new File(basedir, "src/test/java/${className}.java")
test.parentFile.mkdirs()
test.setText(java, 'UTF-8')

def resources = new File(basedir, 'src/test/resources')
resources.mkdirs()
new File(resources, 'junit-platform.properties').setText(properties, 'UTF-8')
def store = new File(resources, 'autoj-store')
new File(sampleStore).eachFileRecurse(groovy.io.FileType.FILES) { f ->
    def target = new File(store, new File(sampleStore).toPath().relativize(f.toPath()).toString())
    target.parentFile.mkdirs()
    target.bytes = f.bytes
}

// A result left by an "earlier run": the page's clean-plugin execution must remove it.
def results = new File(basedir, 'target/allure-results')
results.mkdirs()
new File(results, 'stale-from-an-earlier-run-result.json').text = '{"name":"stale","status":"failed"}'
return true
