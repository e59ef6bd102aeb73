// docs/quickstart.md quotes this message for a project without the BOM: keep the two in step.
def log = new File(basedir, 'build.log').text
assert log.contains('OutputDirectoryCreator not available; probably due to unaligned versions of the junit-platform-engine and junit-platform-launcher jars') : 'no unaligned-versions failure without the BOM'
def page = new File(quickstartMarkdown).text.replaceAll(/\s+/, ' ')
assert page.contains('OutputDirectoryCreator not available; probably due to unaligned versions of the junit-platform-engine and junit-platform-launcher jars')
return true
