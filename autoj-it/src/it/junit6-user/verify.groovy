// The checks of junit-user-verify.groovy for a user project on JUnit 6.
major = 6
return evaluate(new File(basedir, '../junit-user-verify.groovy'))
