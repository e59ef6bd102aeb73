/**
 * Benchmark tools of the embedded engine (a synthetic random checkpoint, a memory bandwidth probe),
 * public only so that the autoj command's {@code bench} and the tests can use them: not API, and
 * they may change in any release.
 */
package dev.autoj.onnx.internal.bench;
