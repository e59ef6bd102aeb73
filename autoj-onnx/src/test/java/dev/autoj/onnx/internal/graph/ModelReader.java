package dev.autoj.onnx.internal.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the parts of a serialized ONNX model that tests inspect: nodes (with subgraphs),
 * initializers' element types and raw bytes, and the element types of graph inputs. Written
 * against onnx.proto's field numbers, independently of {@link OnnxGraph}'s writer.
 */
public final class ModelReader {

    /** A node: op type, inputs, outputs, int attributes, and subgraph attributes. */
    public record Node(String op, List<String> inputs, List<String> outputs, Map<String, Long> ints, Map<String, Graph> graphs) {
    }

    /** An initializer's element type (onnx.proto TensorProto.DataType), external or not, and its raw bytes (empty when external). */
    public record Initializer(int type, boolean external, byte[] raw) {
    }

    public record Graph(List<Node> nodes, Map<String, Initializer> initializers, Map<String, Integer> inputTypes) {

        /** Every node of this graph and of its subgraphs. */
        public List<Node> allNodes() {
            List<Node> all = new ArrayList<>();
            for (Node n : nodes) {
                all.add(n);
                n.graphs().values().forEach(g -> all.addAll(g.allNodes()));
            }
            return all;
        }

        /** The node producing {@code output}, in this graph only. */
        public Node producer(String output) {
            return nodes.stream().filter(n -> n.outputs().contains(output)).findFirst()
                    .orElseThrow(() -> new AssertionError("no node produces " + output));
        }
    }

    private ModelReader() {
    }

    public static Graph read(byte[] model) {
        for (Field f : fields(model)) {
            if (f.number == 7) {
                return graph(f.bytes);
            }
        }
        throw new AssertionError("no graph in the model");
    }

    private record Field(int number, long value, byte[] bytes) {
    }

    private static Graph graph(byte[] bytes) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Initializer> initializers = new LinkedHashMap<>();
        Map<String, Integer> inputs = new LinkedHashMap<>();
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> nodes.add(node(f.bytes));
                case 5 -> {
                    String name = "";
                    int type = 0;
                    boolean external = false;
                    byte[] raw = new byte[0];
                    for (Field t : fields(f.bytes)) {
                        switch (t.number) {
                            case 2 -> type = (int) t.value;
                            case 8 -> name = text(t.bytes);
                            case 9 -> raw = t.bytes;
                            case 14 -> external = t.value == 1;
                            default -> { }
                        }
                    }
                    initializers.put(name, new Initializer(type, external, raw));
                }
                case 11 -> {
                    String name = "";
                    int type = 0;
                    for (Field v : fields(f.bytes)) {
                        if (v.number == 1) {
                            name = text(v.bytes);
                        } else if (v.number == 2) {
                            // TypeProto.tensor_type (1) . elem_type (1)
                            for (Field tp : fields(v.bytes)) {
                                if (tp.number == 1) {
                                    for (Field tt : fields(tp.bytes)) {
                                        if (tt.number == 1) {
                                            type = (int) tt.value;
                                        }
                                    }
                                }
                            }
                        }
                    }
                    inputs.put(name, type);
                }
                default -> { }
            }
        }
        return new Graph(nodes, initializers, inputs);
    }

    private static Node node(byte[] bytes) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = "";
        Map<String, Long> ints = new LinkedHashMap<>();
        Map<String, Graph> graphs = new LinkedHashMap<>();
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> in.add(text(f.bytes));
                case 2 -> out.add(text(f.bytes));
                case 4 -> op = text(f.bytes);
                case 5 -> {
                    String name = "";
                    Long i = null;
                    byte[] g = null;
                    for (Field a : fields(f.bytes)) {
                        switch (a.number) {
                            case 1 -> name = text(a.bytes);
                            case 3 -> i = a.value;
                            case 6 -> g = a.bytes;
                            default -> { }
                        }
                    }
                    if (i != null) {
                        ints.put(name, i);
                    }
                    if (g != null) {
                        graphs.put(name, graph(g));
                    }
                }
                default -> { }
            }
        }
        return new Node(op, in, out, ints, graphs);
    }

    /** A scalar FLOAT16 initializer's value. */
    public static float half(Initializer init) {
        short bits = ByteBuffer.wrap(init.raw()).order(ByteOrder.LITTLE_ENDIAN).getShort();
        return dev.autoj.onnx.internal.checkpoint.Halfs.halfToFloat(bits);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<Field> fields(byte[] b) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> out.add(new Field(number, varint(b, pos), null));
                case 2 -> {
                    int n = (int) varint(b, pos);
                    byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
                    pos[0] += n;
                    out.add(new Field(number, 0, v));
                }
                case 5 -> {
                    out.add(new Field(number, 0, java.util.Arrays.copyOfRange(b, pos[0], pos[0] + 4)));
                    pos[0] += 4;
                }
                case 1 -> {
                    out.add(new Field(number, 0, java.util.Arrays.copyOfRange(b, pos[0], pos[0] + 8)));
                    pos[0] += 8;
                }
                default -> throw new AssertionError("wire type " + wire);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long result = 0;
        int shift = 0;
        while (true) {
            int c = b[pos[0]++] & 0xFF;
            result |= (long) (c & 0x7F) << shift;
            shift += 7;
            if (c < 0x80) {
                return result;
            }
        }
    }
}
