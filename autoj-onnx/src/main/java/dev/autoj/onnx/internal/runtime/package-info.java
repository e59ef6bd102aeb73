/**
 * The embedded engine's one ONNX Runtime environment ({@link dev.autoj.onnx.internal.runtime.OrtRuntime}),
 * public only so that the engine's packages and the {@code bench} bandwidth probe share it: not API,
 * and it may change in any release.
 */
package dev.autoj.onnx.internal.runtime;
