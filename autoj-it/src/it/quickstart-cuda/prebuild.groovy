// Writes this project from docs/quickstart.md: the pom block marked for src/it/quickstart, with the
// dependencies of the block marked for src/it/quickstart-cuda added to its <dependencies>, as a user
// does. Only its dependency tree is resolved (poms, not onnxruntime_gpu's 600 MB jar).
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
def pom = blocks(page, 'quickstart').find { it.lang == 'xml' }?.text
def cuda = blocks(page, 'quickstart-cuda')
assert pom != null && cuda*.lang == ['xml'] : "blocks marked for src/it/quickstart-cuda in $page"
int end = pom.lastIndexOf('</dependencies>')
assert end > 0
pom = pom.substring(0, end) + cuda[0].text + pom.substring(end)

new File(basedir, 'pom.xml').setText("""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
<modelVersion>4.0.0</modelVersion>
<groupId>com.example</groupId>
<artifactId>quickstart-cuda</artifactId>
<version>1.0</version>
${pom}</project>
""", 'UTF-8')
return true
