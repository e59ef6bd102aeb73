/**
 * Implementation of the judge (the judging pipeline {@code StandardJudge}, the wiring
 * {@code JudgeFactory}, request checks, the Auto-J testbed readers and import), public only so
 * that the engine's other packages, the autoj command and autoj's own tests can use it: not API,
 * and it may change in any release. Use {@code dev.autoj.engine.Judges}, {@code JudgeSpec} and
 * {@code Judge}; the jar's {@code Automatic-Module-Name} is {@code dev.autoj.engine}, and this
 * package carries no compatibility promise whatever a module system exports.
 */
package dev.autoj.engine.internal;
