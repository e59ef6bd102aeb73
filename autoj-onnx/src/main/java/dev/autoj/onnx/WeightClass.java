package dev.autoj.onnx;

/**
 * One class of the weights a session holds (the 4-bit linear layers, the output head, the
 * embedding table, the norms): their bytes, the form they are stored in and why they stay at
 * that width. {@link OnnxBackend#sessionWeights()} lists them; {@code bench --json} prints them.
 *
 * <pre>{@code
 * for (WeightClass c : backend.sessionWeights()) {
 *     System.out.printf("%s: %.2f GB as %s (%s)%n", c.name(), c.bytes() / 1e9, c.storedAs(), c.why());
 * }
 * }</pre>
 *
 * @param name the class: {@code linear}, {@code head}, {@code embedding} or {@code norms}
 * @param tensors how many checkpoint tensors it covers
 * @param bytes the bytes the session is handed for them
 * @param storedAs their form, e.g. {@code int4 (blocks of 32, fp32 scales, zero points)} or {@code fp32}
 * @param why why they are at that width
 */
public record WeightClass(String name, int tensors, long bytes, String storedAs, String why) {
}
