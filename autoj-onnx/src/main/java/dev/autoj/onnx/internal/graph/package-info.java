/**
 * Implementation of the embedded engine (graph), public only so that the engine's other packages and
 * the autoj command can use it: not API, and it may change in any release. Use
 * {@code dev.autoj.onnx.OnnxBackend} and {@code OnnxOptions}, or the engine's {@code JudgeSpec}.
 */
package dev.autoj.onnx.internal.graph;
