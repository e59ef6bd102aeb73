// The CUDA switch of quickstart.md: autoj-onnx without ONNX Runtime's CPU build, with its CUDA build at
// the version autoj-onnx is built with.
def tree = new File(basedir, 'target/dependency-tree.txt').text
assert tree.contains('dev.autoj:autoj-onnx:jar:') : tree
assert tree.contains("com.microsoft.onnxruntime:onnxruntime_gpu:jar:${onnxruntimeVersion}:test") : "onnxruntime_gpu is not at autoj-onnx's ${onnxruntimeVersion}:\n$tree"
assert !tree.contains('com.microsoft.onnxruntime:onnxruntime:jar') : "the CPU build is still there:\n$tree"
return true
