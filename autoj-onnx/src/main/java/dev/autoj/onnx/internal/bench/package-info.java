/**
 * Benchmark tools of the embedded engine (a synthetic random checkpoint, as safetensors or as the
 * fp16 PyTorch {@code .bin} that {@code torch.save} writes; a memory bandwidth probe),
 * public only so that the autoj command's {@code bench} and the tests can use them: not API, and
 * they may change in any release.
 */
package dev.autoj.onnx.internal.bench;
