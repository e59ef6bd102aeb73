// The checks of junit-user-verify.groovy for a user project on JUnit 5.
major = 5
// The shared script stays in src/it (only the projects are cloned to target/it).
return evaluate(new File(itSources, 'junit-user-verify.groovy'))
