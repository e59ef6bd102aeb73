// The tiny checkpoint uses LLaMA-2's real tokenizer from the shared test data beside the repository;
// without it the project is skipped, as every test that reads ../shared is.
def tokenizer = new File(sharedTokenizer)
if (!tokenizer.isFile()) {
    println "forks-embedded-user: skipped: ${tokenizer} is absent (the shared tokenizers are not beside the repository)"
    return false
}
return true
