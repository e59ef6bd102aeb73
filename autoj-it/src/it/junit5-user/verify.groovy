// The checks of junit-user-verify.groovy for a user project on JUnit 5.
major = 5
return evaluate(new File(basedir, '../junit-user-verify.groovy'))
